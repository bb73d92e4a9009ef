// Fuzzes ImageLoader::loadBytes: our header checks, then OpenCV's decoders
// (libjpeg, libpng, libwebp, libtiff, BMP), conversion to BGR and orientation.
#include "image_loader.h"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    cv::setNumThreads(0); // decode on the fuzzing thread: reproducible, no pool
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &) {});
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const listinglens::ImageLoader loader;
    const auto image = loader.loadBytes(QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)));
    if (image.ok() && (image.value().bgr.empty() || image.value().bgr.type() != CV_8UC3))
        __builtin_trap(); // loadBytes promises 8-bit BGR pixels
    return 0;
}
