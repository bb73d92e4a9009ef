#include "preparer.h"

#include "logging.h"
#include "preprocessor.h"
#include "sha256.h"

#include <opencv2/imgproc.hpp>

namespace listinglens {

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0, Clock::time_point t1 = Clock::now())
{
    return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

LoadLimits modelLimits(LoadLimits limits, const ModelManifest &manifest)
{
    limits.targetShortSide = manifest.preprocess.resizeShorter;
    return limits;
}

// The photo no longer than `side`, as pixels (a window shows it as it is).
cv::Mat previewOf(const cv::Mat &bgr, int side)
{
    const double k = double(side) / std::max(bgr.cols, bgr.rows);
    if (k >= 1)
        return bgr.clone();
    cv::Mat preview;
    cv::resize(bgr, preview, cv::Size(std::max(1, int(bgr.cols * k)), std::max(1, int(bgr.rows * k))), 0, 0, cv::INTER_AREA);
    return preview;
}

} // namespace

Preparer::Preparer(const Classifier &classifier, PrepareOptions options)
    : m_preprocess(classifier.manifest().preprocess), m_quality(classifier.qualityThresholds()),
      m_loader(modelLimits(options.limits, classifier.manifest())), m_options(options)
{
    // With a lane, faces are found there (they cost about 18 ms a photo) and
    // the lane makes the thumbnail; without one, here.
    if (m_options.thumbnailSide > 0 && !m_options.forLane) {
        auto faces = FaceDetector::open();
        if (faces)
            m_faces = std::move(faces).value();
        else
            qCWarning(lcModel) << "faces will not be found or blurred:" << faces.error().message;
    }
}

RoutedPhoto Preparer::prepare(const PhotoSource &source) const
{
    RoutedPhoto photo;
    photo.name = source.name;
    photo.key = source.key;
    photo.tag = source.tag;
    PreparedPhoto &p = photo.prepared;
    p.name = source.name;
    p.started = Clock::now();
    auto image = decode(source, photo);
    const auto decoded = Clock::now();
    p.timing.decode = msSince(p.started, decoded);
    if (!image) {
        p.error = image.error();
        return photo;
    }
    try {
        measure(image.value(), photo);
    } catch (const cv::Exception &e) {
        p.error = Error{ErrorCode::Internal, QStringLiteral("preprocessing failed: %1").arg(QString::fromUtf8(e.what()))};
    } catch (const std::exception &e) {
        p.error = Error{ErrorCode::Internal, QStringLiteral("preprocessing failed: %1").arg(QString::fromUtf8(e.what()))};
    }
    p.timing.preprocess = msSince(decoded);
    return photo;
}

Result<LoadedImage> Preparer::decode(const PhotoSource &source, RoutedPhoto &photo) const
{
    PreparedPhoto &p = photo.prepared;
    if (!source.pixels.empty()) {
        if (m_options.fingerprint && source.pixels.isContinuous())
            p.sha256 = sha256Hex(QByteArray::fromRawData(reinterpret_cast<const char *>(source.pixels.data),
                                                         qsizetype(source.pixels.total() * source.pixels.elemSize())));
        return fromPixels(source.pixels);
    }
    QByteArray bytes = source.bytes;
    if (bytes.isEmpty() && !source.path.isEmpty()) {
        auto read = m_loader.readFile(source.path);
        if (!read)
            return read.error();
        bytes = std::move(read).value();
    }
    p.byteSize = bytes.size();
    if (m_options.fingerprint)
        p.sha256 = sha256Hex(bytes);
    auto image = m_loader.loadBytes(bytes);
    if (image && m_options.forLane)
        photo.lane.bytes = std::move(bytes); // for a larger decode of small text
    return image;
}

// An image already decoded (a pasted one), held to the limits a file's header is.
Result<LoadedImage> Preparer::fromPixels(const cv::Mat &bgr) const
{
    const LoadLimits &limits = m_loader.limits();
    if (bgr.type() != CV_8UC3)
        return Error{ErrorCode::UnsupportedFormat, QStringLiteral("the image is not 8-bit colour")};
    if (qint64(bgr.cols) * bgr.rows > limits.maxPixels)
        return Error{ErrorCode::TooManyPixels, QStringLiteral("the image is %1 x %2 pixels, over the %3 MP limit")
                                                   .arg(bgr.cols).arg(bgr.rows).arg(double(limits.maxPixels) / 1e6, 0, 'f', 0)};
    if (std::min(bgr.cols, bgr.rows) < limits.minSide)
        return Error{ErrorCode::TooSmall, QStringLiteral("the image is %1 x %2 pixels; it needs at least %3 pixels on each side")
                                              .arg(bgr.cols).arg(bgr.rows).arg(limits.minSide)};
    LoadedImage image;
    image.bgr = bgr;
    image.width = bgr.cols;
    image.height = bgr.rows;
    image.header.width = bgr.cols;
    image.header.height = bgr.rows;
    return image;
}

void Preparer::measure(const LoadedImage &img, RoutedPhoto &photo) const
{
    PreparedPhoto &p = photo.prepared;
    p.tensor = preprocess(img.bgr, m_preprocess);
    p.quality = assessQuality(img.bgr, img.width, img.height, m_quality);
    p.colour = dominantColour(img.bgr);
    // The preview is the moderator's working view (never stored): the photo
    // as it is. The thumbnail is stored and shown in history: the faces in
    // it are blurred.
    if (m_options.previewSide > 0)
        photo.preview = previewOf(img.bgr, m_options.previewSide);
    if (m_options.forLane) {
        // No full-resolution decode waits for the lane: moderationInput
        // reduces it, and keeps the bytes of a JPEG only.
        photo.lane = moderationInput(img, std::move(photo.lane.bytes), m_options.thumbnailSide);
    } else if (m_options.thumbnailSide > 0) {
        FacesSeen seen = findFacesAndThumbnail(m_faces.get(), img, m_options.thumbnailSide);
        p.faces = std::move(seen.faces);
        photo.thumbnail = std::move(seen.thumbnail);
    }
}

} // namespace listinglens
