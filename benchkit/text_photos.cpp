#include "text_photos.h"

#include "csv.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <random>

namespace listinglens {

namespace {

struct Drawn {
    QString kind, text, expected;
};

// A valid-looking number of each plan: the formats sellers write, with
// digits drawn at random inside ranges that are real (not the fictional
// 07700 900xxx).
Drawn phoneText(std::mt19937 &rng)
{
    std::uniform_int_distribution<int> d(0, 9);
    auto digits = [&](int n) {
        QString s;
        for (int i = 0; i < n; ++i)
            s += QChar(u'0' + d(rng));
        return s;
    };
    const QString uk = QStringLiteral("79") + QString::number(std::uniform_int_distribution<int>(11, 85)(rng)) + digits(6); // 79xx xxxxxx
    const QString ru = QStringLiteral("9") + QString::number(std::uniform_int_distribution<int>(10, 99)(rng)) + digits(7);   // 9xx xxx xx xx
    const QString de = QStringLiteral("15") + QString::number(std::uniform_int_distribution<int>(1, 9)(rng)) + digits(8);    // 15x xxxxxxxx
    switch (std::uniform_int_distribution<int>(0, 7)(rng)) {
    case 0: return {QStringLiteral("phone"), QStringLiteral("0%1 %2").arg(uk.left(4), uk.mid(4)), QStringLiteral("+44") + uk};
    case 1: return {QStringLiteral("phone"), QStringLiteral("Call 0%1 %2 %3").arg(uk.left(4), uk.mid(4, 3), uk.mid(7)), QStringLiteral("+44") + uk};
    case 2: return {QStringLiteral("phone"), QStringLiteral("+44 %1 %2").arg(uk.left(4), uk.mid(4)), QStringLiteral("+44") + uk};
    case 3: return {QStringLiteral("phone"), QStringLiteral("tel: 0%1-%2").arg(uk.left(4), uk.mid(4)), QStringLiteral("+44") + uk};
    case 4: return {QStringLiteral("phone"), QStringLiteral("+7 %1 %2-%3-%4").arg(ru.left(3), ru.mid(3, 3), ru.mid(6, 2), ru.mid(8)), QStringLiteral("+7") + ru};
    case 5: return {QStringLiteral("phone"), QStringLiteral("+7(%1)%2%3").arg(ru.left(3), ru.mid(3, 3), ru.mid(6)), QStringLiteral("+7") + ru};
    case 6: return {QStringLiteral("phone"), QStringLiteral("+49 %1 %2").arg(de.left(3), de.mid(3)), QStringLiteral("+49") + de};
    default: return {QStringLiteral("phone"), QStringLiteral("WhatsApp +44%1").arg(uk), QStringLiteral("+44") + uk};
    }
}

Drawn otherText(int kind, std::mt19937 &rng)
{
    static const std::array names{"anna", "bob.smith", "sellerpro", "mike_77", "jane.doe", "deals4u", "olga", "tom.b"};
    static const std::array mails{"gmail.com", "yahoo.co.uk", "mail.ru", "outlook.com", "hotmail.com"};
    static const std::array stock{"shutterstock", "alamy", "depositphotos", "iStock", "Getty Images", "dreamstime"};
    const QString name = QString::fromLatin1(names[std::uniform_int_distribution<std::size_t>(0, names.size() - 1)(rng)]);
    const QString number = QString::number(std::uniform_int_distribution<int>(1, 99)(rng));
    switch (kind) {
    case 1: {
        const QString address = name + number + QLatin1Char('@') + QString::fromLatin1(mails[std::uniform_int_distribution<std::size_t>(0, mails.size() - 1)(rng)]);
        return {QStringLiteral("email"), address, address};
    }
    case 2: {
        QString handle = QStringLiteral("@") + name;
        handle.replace(QLatin1Char('.'), QLatin1Char('_'));
        handle += number;
        const bool withName = std::uniform_int_distribution<int>(0, 1)(rng) == 1;
        return {QStringLiteral("handle"), withName ? QStringLiteral("telegram ") + handle : handle, handle};
    }
    case 3: {
        QString user = name;
        user.remove(QLatin1Char('.'));
        const QString link = std::uniform_int_distribution<int>(0, 1)(rng) ? QStringLiteral("t.me/") + user + number
                                                                          : QStringLiteral("www.") + user + QStringLiteral("-shop.com");
        return {QStringLiteral("url"), link, link};
    }
    default: {
        const QString mark = QString::fromLatin1(stock[std::uniform_int_distribution<std::size_t>(0, stock.size() - 1)(rng)]);
        QString squeezed = mark.toLower();
        squeezed.remove(QLatin1Char(' '));
        return {QStringLiteral("stock"), mark, squeezed};
    }
    }
}

// The text on its own layer, rotated, then laid over the photo.
void draw(cv::Mat &img, const QString &text, std::mt19937 &rng)
{
    static const std::array<int, 6> fonts{cv::FONT_HERSHEY_SIMPLEX, cv::FONT_HERSHEY_DUPLEX, cv::FONT_HERSHEY_COMPLEX,
                                  cv::FONT_HERSHEY_TRIPLEX, cv::FONT_HERSHEY_PLAIN, cv::FONT_HERSHEY_SIMPLEX | cv::FONT_ITALIC};
    static const std::array<cv::Scalar, 6> colours{cv::Scalar(255, 255, 255), cv::Scalar(0, 0, 0), cv::Scalar(0, 0, 220),
                                                   cv::Scalar(0, 220, 255), cv::Scalar(200, 60, 0), cv::Scalar(40, 160, 40)};
    const int font = fonts[std::uniform_int_distribution<std::size_t>(0, fonts.size() - 1)(rng)];
    const std::string utf8 = text.toStdString();
    // Capitals 3-8 % of the photo's height.
    const double wantedHeight = img.rows * std::uniform_real_distribution<double>(0.03, 0.08)(rng);
    int baseline = 0;
    const cv::Size unit = cv::getTextSize(utf8, font, 1.0, 1, &baseline);
    double scale = wantedHeight / std::max(1, unit.height);
    const int thickness = std::max(1, int(std::round(scale * 1.6)));
    cv::Size size = cv::getTextSize(utf8, font, scale, thickness, &baseline);
    if (size.width > img.cols * 0.9) { // long text: as large as fits
        scale *= img.cols * 0.9 / size.width;
        size = cv::getTextSize(utf8, font, scale, thickness, &baseline);
    }
    const int pad = std::max(4, size.height / 3);
    cv::Mat layer(size.height + baseline + 2 * pad, size.width + 2 * pad, CV_8UC3, cv::Scalar(0, 0, 0));
    cv::Mat mask(layer.size(), CV_8U, cv::Scalar(0));
    const cv::Scalar colour = colours[std::uniform_int_distribution<std::size_t>(0, colours.size() - 1)(rng)];
    if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) { // a box behind the text, in the opposite brightness
        const double light = colour[0] + colour[1] + colour[2];
        layer.setTo(light > 380 ? cv::Scalar(30, 30, 30) : cv::Scalar(245, 245, 245));
        mask.setTo(255);
    }
    const cv::Point origin(pad, pad + size.height);
    cv::putText(layer, utf8, origin, font, scale, colour, thickness, cv::LINE_AA);
    cv::putText(mask, utf8, origin, font, scale, cv::Scalar(255), thickness, cv::LINE_AA);
    // Turned by up to 20 degrees, about its centre.
    const double angle = std::uniform_real_distribution<double>(-20, 20)(rng);
    const cv::Point2f centre(layer.cols / 2.0f, layer.rows / 2.0f);
    cv::Mat turn = cv::getRotationMatrix2D(centre, angle, 1.0);
    const cv::Rect2f bounds = cv::RotatedRect(centre, layer.size(), float(angle)).boundingRect2f();
    turn.at<double>(0, 2) += bounds.width / 2.0 - centre.x;
    turn.at<double>(1, 2) += bounds.height / 2.0 - centre.y;
    const cv::Size turned(int(bounds.width), int(bounds.height));
    cv::warpAffine(layer, layer, turn, turned);
    cv::warpAffine(mask, mask, turn, turned);
    if (layer.cols >= img.cols || layer.rows >= img.rows)
        return;
    const int x = std::uniform_int_distribution<int>(0, img.cols - layer.cols)(rng);
    const int y = std::uniform_int_distribution<int>(0, img.rows - layer.rows)(rng);
    cv::Mat roi = img(cv::Rect(x, y, layer.cols, layer.rows));
    for (int r = 0; r < layer.rows; ++r) {
        for (int c = 0; c < layer.cols; ++c) {
            const int a = mask.at<uchar>(r, c);
            if (a == 0)
                continue;
            auto &dst = roi.at<cv::Vec3b>(r, c);
            const auto &src = layer.at<cv::Vec3b>(r, c);
            for (int k = 0; k < 3; ++k)
                dst[k] = cv::saturate_cast<uchar>((src[k] * a + dst[k] * (255 - a)) / 255);
        }
    }
}

} // namespace

QString defaultTextPhotosDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/listinglens/text-photos");
}

Result<std::vector<TextPhoto>> makeTextPhotos(const QStringList &sources, const QString &outDir, quint32 seed)
{
    QDir dir(outDir);
    if (!dir.mkpath(QStringLiteral(".")))
        return Error{ErrorCode::IoError, QStringLiteral("cannot create %1").arg(outDir)};
    for (const QString &old : dir.entryList({QStringLiteral("*.jpg")}, QDir::Files))
        dir.remove(old);
    std::mt19937 rng(seed);
    std::vector<TextPhoto> out;
    QByteArray labels = csvLine({QStringLiteral("file"), QStringLiteral("source"), QStringLiteral("kind"), QStringLiteral("text"),
                                 QStringLiteral("expected")});
    for (int i = 0; i < sources.size(); ++i) {
        cv::Mat img = cv::imread(sources[i].toStdString(), cv::IMREAD_COLOR);
        if (img.empty())
            return Error{ErrorCode::Corrupt, QStringLiteral("cannot read %1").arg(sources[i])};
        // Contacts four times in five (phones twice), stock marks once.
        static const std::array kinds{0, 1, 0, 2, 3, 0, 4, 0, 1, 2};
        const int kind = kinds[std::size_t(i) % kinds.size()];
        const Drawn drawn = kind == 0 ? phoneText(rng) : otherText(kind, rng);
        draw(img, drawn.text, rng);
        const QString path = dir.filePath(QStringLiteral("text_%1_%2.jpg").arg(i, 4, 10, QLatin1Char('0')).arg(drawn.kind));
        if (!cv::imwrite(path.toStdString(), img, {cv::IMWRITE_JPEG_QUALITY, 88}))
            return Error{ErrorCode::IoError, QStringLiteral("cannot write %1").arg(path)};
        out.push_back({path, sources[i], drawn.kind, drawn.text, drawn.expected});
        labels += csvLine({QFileInfo(path).fileName(), QFileInfo(sources[i]).fileName(), drawn.kind, drawn.text, drawn.expected});
    }
    QFile f(dir.filePath(QStringLiteral("labels.csv")));
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(labels) != labels.size())
        return Error{ErrorCode::IoError, QStringLiteral("cannot write %1").arg(f.fileName())};
    return out;
}

} // namespace listinglens
