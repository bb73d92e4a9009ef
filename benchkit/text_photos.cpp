#include "text_photos.h"

#include "csv.h"
#include "text_layouts.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <random>

namespace listinglens {

QString defaultTextPhotosDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/listinglens/text-photos");
}

Result<std::vector<TextPhoto>> makeTextPhotos(const QStringList &sources, const QString &outDir, SampleFamily family, quint32 seed)
{
    auto fonts = sampleFonts(family);
    if (!fonts)
        return fonts.error();
    QDir dir(outDir);
    if (!dir.mkpath(QStringLiteral(".")))
        return Error{ErrorCode::IoError, QStringLiteral("cannot create %1").arg(outDir)};
    for (const QString &old : dir.entryList({QStringLiteral("*.jpg")}, QDir::Files))
        dir.remove(old);
    std::mt19937 rng(seed);
    std::vector<TextPhoto> out;
    QByteArray labels = csvLine({QStringLiteral("file"), QStringLiteral("source"), QStringLiteral("kind"), QStringLiteral("text"),
                                 QStringLiteral("expected"), QStringLiteral("layout"), QStringLiteral("font"), QStringLiteral("box")});
    for (int i = 0; i < sources.size(); ++i) {
        cv::Mat img = cv::imread(sources[i].toStdString(), cv::IMREAD_COLOR);
        if (img.empty())
            return Error{ErrorCode::Corrupt, QStringLiteral("cannot read %1").arg(sources[i])};
        if (family != SampleFamily::Tune) {
            static const std::array<int, 4> sides{0, 0, 1600, 3000};
            if (const int side = sides[std::size_t(std::uniform_int_distribution<int>(0, 3)(rng))]; side > 0) {
                const double f = double(side) / std::max(img.cols, img.rows);
                cv::resize(img, img, cv::Size(), f, f, cv::INTER_CUBIC);
            }
        }
        static const std::array kinds{0, 1, 0, 2, 3, 0, 4, 0, 1, 2};
        const ContactSample sample = contactSample(kinds[std::size_t(i) % kinds.size()], family, rng);
        TextDrawing drawn;
        drawSample(img, sample, family, fonts.value(), rng, drawn);
        if (drawn.box.empty())
            return Error{ErrorCode::Internal, QStringLiteral("%1 could not be written on %2 at any size").arg(sample.text, sources[i])};
        const QString path = dir.filePath(QStringLiteral("text_%1_%2.jpg").arg(i, 4, 10, QLatin1Char('0')).arg(sample.kind));
        if (!cv::imwrite(path.toStdString(), img, {cv::IMWRITE_JPEG_QUALITY, 88}))
            return Error{ErrorCode::IoError, QStringLiteral("cannot write %1").arg(path)};
        const QString text = sample.label.isEmpty() || drawn.layout != QLatin1String("label") ? sample.text : sample.label + QLatin1Char('/') + sample.text;
        const QRect box(drawn.box.x, drawn.box.y, drawn.box.width, drawn.box.height);
        out.push_back({path, sources[i], sample.kind, text, sample.expected, drawn.layout, drawn.font, box, drawn.angle, drawn.letterHeight, drawn.lightText});
        labels += csvLine({QFileInfo(path).fileName(), QFileInfo(sources[i]).fileName(), sample.kind, text, sample.expected, drawn.layout, drawn.font,
                           QStringLiteral("%1 %2 %3 %4").arg(box.x()).arg(box.y()).arg(box.width()).arg(box.height())});
    }
    QFile f(dir.filePath(QStringLiteral("labels.csv")));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(labels) != labels.size())
        return Error{ErrorCode::IoError, QStringLiteral("cannot write %1").arg(f.fileName())};
    return out;
}

} // namespace listinglens
