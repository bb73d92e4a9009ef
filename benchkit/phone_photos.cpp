#include "phone_photos.h"

#include "image_loader.h"
#include "photo_files.h"
#include "jpeg_exif.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace listinglens {

QString defaultBenchPhotosDir()
{
    QString cache = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    if (cache.isEmpty())
        cache = QDir::tempPath();
    return QDir(cache).filePath(QStringLiteral("listinglens/bench-photos"));
}

Result<QStringList> makePhonePhotos(const QString &sourceDir, const QString &outDir, int longSide)
{
    const QStringList sources = findPhotos(sourceDir);
    if (sources.isEmpty())
        return Error{ErrorCode::IoError, QStringLiteral("no photos in %1").arg(sourceDir)};
    if (!QDir().mkpath(outDir))
        return Error{ErrorCode::IoError, QStringLiteral("cannot create %1").arg(outDir)};
    LoadLimits full;
    full.targetShortSide = 0;
    full.maxReducedPixels = 0; // a PNG source too: the phone photos are made from every pixel
    const ImageLoader loader(full);
    QStringList written;
    for (int i = 0; i < sources.size(); ++i) {
        const QString target = QDir(outDir).filePath(QFileInfo(sources[i]).completeBaseName()
                                                     + QStringLiteral("_%1px.jpg").arg(longSide));
        if (QFileInfo(target).size() > 0) {
            written << target;
            continue;
        }
        auto image = loader.loadFile(sources[i]);
        if (!image)
            return Error{image.error().code, QStringLiteral("%1: %2").arg(sources[i], image.error().message)};
        const cv::Mat &src = image.value().bgr;
        const double f = double(longSide) / std::max(src.cols, src.rows);
        cv::Mat big;
        cv::resize(src, big, cv::Size(), f, f, cv::INTER_CUBIC);
        const bool rotated = i % 2 == 1;
        if (rotated) // stored sideways; orientation 6 turns it back for display
            cv::rotate(big, big, cv::ROTATE_90_COUNTERCLOCKWISE);
        std::vector<uchar> encoded;
        if (!cv::imencode(".jpg", big, encoded, {cv::IMWRITE_JPEG_QUALITY, 90}))
            return Error{ErrorCode::Internal, QStringLiteral("cannot encode %1").arg(target)};
        QByteArray jpeg(reinterpret_cast<const char *>(encoded.data()), qsizetype(encoded.size()));
        if (rotated)
            jpeg = withExifOrientation(jpeg, 6);
        QSaveFile out(target);
        if (!out.open(QIODevice::WriteOnly) || out.write(jpeg) != jpeg.size() || !out.commit())
            return Error{ErrorCode::IoError, QStringLiteral("cannot write %1: %2").arg(target, out.errorString())};
        written << target;
    }
    return written;
}

} // namespace listinglens
