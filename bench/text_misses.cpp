#include "text_misses.h"

#include "image_loader.h"
#include "photo_reading.h"

#include <QDir>
#include <QFileInfo>
#include <QTextStream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace listinglens::cli {

namespace {

// A read as it is compared with what was drawn: a number's digits, or
// anything else in lower case without spaces.
QString comparable(const QString &read, const QString &kind)
{
    if (kind == QLatin1String("phone"))
        return digitsOf(read);
    QString out = read.toLower();
    out.remove(QLatin1Char(' '));
    return out;
}

// What a read must hold to have read the drawn contact right: a number's
// last nine digits, or the value as written.
QString mustHold(const TextPhoto &photo)
{
    return photo.kind == QLatin1String("phone") ? digitsOf(photo.expected).right(9) : comparable(photo.expected, photo.kind);
}

bool overlaps(const QRect &a, const QRect &b)
{
    const QRect i = a & b;
    const qint64 smaller = std::min(qint64(a.width()) * a.height(), qint64(b.width()) * b.height());
    return !i.isEmpty() && qint64(i.width()) * i.height() * 4 >= smaller;
}

// The share of the drawn box's width that the lines read over it cover.
double widthCovered(const QRect &drawn, const std::vector<QRect> &read)
{
    std::vector<bool> covered(std::size_t(std::max(0, drawn.width())), false);
    for (const QRect &r : read) {
        for (int x = std::max(drawn.left(), r.left()); x <= std::min(drawn.right(), r.right()); ++x)
            covered[std::size_t(x - drawn.left())] = true;
    }
    return covered.empty() ? 0.0 : double(std::count(covered.begin(), covered.end(), true)) / double(covered.size());
}

// The first search candidate whose centre lies where the text was drawn, -1
// when none; the search image with every candidate drawn in green to `png`.
int candidateWhereDrawn(const TextPhoto &photo, const QString &png)
{
    const ImageLoader loader;
    auto bytes = loader.readFile(photo.path);
    auto image = bytes ? loader.loadBytes(bytes.value()) : Result<LoadedImage>(bytes.error());
    if (!image)
        return -1;
    const SearchedLines searched = searchLines(moderationInput(std::move(image).value(), bytes.value()));
    cv::Mat shown = searched.image.clone();
    int at = -1;
    for (std::size_t i = 0; i < searched.lines.size(); ++i) {
        const cv::Point2f c = searched.lines[i].box.center * float(searched.scale);
        if (at < 0 && photo.box.contains(QPoint(int(c.x), int(c.y))))
            at = int(i);
        cv::Point2f corners[4];
        searched.lines[i].box.points(corners);
        for (int k = 0; k < 4; ++k)
            cv::line(shown, corners[k], corners[(k + 1) % 4], cv::Scalar(0, 255, 0), 1);
    }
    cv::imwrite(png.toStdString(), shown);
    return at;
}

} // namespace

QString digitsOf(const QString &s)
{
    QString d;
    for (QChar c : s) {
        if (c.isDigit())
            d += c;
    }
    return d;
}

Result<std::unique_ptr<MissReport>> MissReport::open(const QString &dir, TextReaderOptions options, const ContactOptions &contacts)
{
    std::unique_ptr<MissReport> report(new MissReport(dir, contacts));
    MissReport *r = report.get();
    options.onRecognition = [r](const cv::Mat &image, const QRect &box, const QString &read, double confidence) {
        cv::imwrite(QStringLiteral("%1-%2.png").arg(r->m_prefix).arg(r->m_recognitions.size() + 1).toStdString(), image);
        r->m_recognitions.push_back({box, read, confidence});
    };
    auto reader = TextReader::open(options);
    if (!reader)
        return reader.error();
    report->m_reader = std::move(reader).value();
    QDir().mkpath(dir);
    return report;
}

void MissReport::add(const TextPhoto &photo, const PhotoText &text)
{
    const QString name = QFileInfo(photo.path).completeBaseName();
    m_prefix = QDir(m_dir).filePath(name);
    m_recognitions.clear();
    const int at = candidateWhereDrawn(photo, m_prefix + QStringLiteral(".png"));
    const ImageLoader loader;
    auto bytes = loader.readFile(photo.path);
    if (auto image = bytes ? loader.loadBytes(bytes.value()) : Result<LoadedImage>(bytes.error()))
        readPhotoText(*m_reader, moderationInput(std::move(image).value(), bytes.value()), m_contacts);
    QStringList reads;
    std::vector<QRect> there;
    bool readRight = false;
    for (std::size_t i = 0; i < m_recognitions.size(); ++i) {
        const Recognition &r = m_recognitions[i];
        if (!overlaps(r.box, photo.box))
            continue;
        there.push_back(r.box);
        readRight = readRight || comparable(r.read, photo.kind).contains(mustHold(photo));
        reads << QStringLiteral("%1: \"%2\" %3").arg(i + 1).arg(r.read).arg(r.confidence, 0, 'f', 2);
    }
    const bool flagged = photo.kind == QLatin1String("stock") ? !text.stockMarks.isEmpty() : !text.contacts.empty();
    const double covered = widthCovered(photo.box, there);
    QString why;
    if (flagged)
        why = QStringLiteral("inexact");
    else if (at < 0 && there.empty())
        why = QStringLiteral("never found by the search");
    else if (there.empty())
        why = QStringLiteral("found, not read");
    else if (readRight)
        why = QStringLiteral("read, not recognised");
    else if (covered < 0.8)
        why = QStringLiteral("misread, line cut short");
    else
        why = QStringLiteral("misread");
    if (photo.kind != QLatin1String("stock"))
        ++m_split[why];
    const QString drawnAs = QStringLiteral("%1 px, %2 degrees%3")
                                .arg(photo.letterHeight)
                                .arg(photo.angle, 0, 'f', 0)
                                .arg(photo.lightText ? QStringLiteral(", light on dark") : QString());
    QTextStream(stderr) << QStringLiteral("%1 %2 (%3, %4, %5, %6): drew \"%7\", candidate %8, %9 % of its width read; %10 recognitions there: %11\n")
                               .arg(why, name, photo.kind, photo.layout, photo.font, drawnAs, photo.text)
                               .arg(at < 0 ? QStringLiteral("none") : QStringLiteral("#%1").arg(at + 1))
                               .arg(100 * covered, 0, 'f', 0)
                               .arg(there.size())
                               .arg(reads.join(QStringLiteral(", ")));
}

void MissReport::printSplit() const
{
    QTextStream out(stdout);
    out << QStringLiteral("contacts not read exactly, by where the read failed:");
    for (const auto &[why, n] : m_split)
        out << QStringLiteral(" %1 %2;").arg(why).arg(n);
    out << Qt::endl;
}

} // namespace listinglens::cli
