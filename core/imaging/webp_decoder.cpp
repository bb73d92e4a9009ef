#include "webp_decoder.h"

#include "area_reducer.h"
#include "decode_errors_p.h"

#include <webp/decode.h>


namespace listinglens {

Result<cv::Mat> decodeWebP(const QByteArray &bytes, int factor, cv::Size expected)
{
    const auto *data = reinterpret_cast<const uint8_t *>(bytes.constData());
    const std::size_t size = std::size_t(bytes.size());
    const Error damaged = undecodable(ImageFormat::WebP);
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config))
        return Error{ErrorCode::Internal, QStringLiteral("libwebp could not start")};
    if (WebPGetFeatures(data, size, &config.input) != VP8_STATUS_OK)
        return damaged;
    if (config.input.has_animation)
        return Error{ErrorCode::UnsupportedFormat, QStringLiteral("animated WebP is not supported")};
    factor = std::max(1, factor);
    const int width = config.input.width, height = config.input.height;
    if (width != expected.width || height != expected.height)
        return sizeOtherThanHeader(QStringLiteral("WebP"), width, height, expected);
    const int outWidth = (width + factor - 1) / factor, outHeight = (height + factor - 1) / factor;
    if (factor > 1) {
        config.options.use_scaling = 1;
        config.options.scaled_width = outWidth;
        config.options.scaled_height = outHeight;
    }
    // Premultiplied BGRA: libwebp averages colour weighted by alpha as it
    // scales, as compositing each pixel onto white and then averaging does.
    const bool alpha = config.input.has_alpha;
    cv::Mat decoded(outHeight, outWidth, alpha ? CV_8UC4 : CV_8UC3);
    config.output.colorspace = alpha ? MODE_bgrA : MODE_BGR;
    config.output.is_external_memory = 1;
    config.output.u.RGBA.rgba = decoded.data;
    config.output.u.RGBA.stride = int(decoded.step);
    config.output.u.RGBA.size = decoded.step * std::size_t(outHeight);
    const VP8StatusCode status = WebPDecode(data, size, &config);
    WebPFreeDecBuffer(&config.output);
    if (status == VP8_STATUS_OUT_OF_MEMORY)
        return Error{ErrorCode::TooManyPixels, QStringLiteral("the WebP could not be decoded within the memory available")};
    if (status != VP8_STATUS_OK)
        return damaged;
    if (!alpha)
        return decoded;
    static const int bgr[3] = {0, 1, 2};
    AreaReducer onWhite(outWidth, outHeight, 1);
    for (int y = 0; y < outHeight; ++y)
        onWhite.addWithAlpha(decoded.ptr<uint8_t>(y), bgr, true);
    return onWhite.result();
}

} // namespace listinglens
