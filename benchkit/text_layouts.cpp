#include "text_layouts.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QHash>

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <map>
#include <mutex>

namespace listinglens {

namespace {

struct FontFile {
    const char *file, *package;
};

constexpr std::array kTuneFonts{
    FontFile{"DejaVuSans.ttf", "fonts-dejavu-core"},           FontFile{"DejaVuSans-Bold.ttf", "fonts-dejavu-core"},
    FontFile{"DejaVuSerif.ttf", "fonts-dejavu-core"},          FontFile{"DejaVuSansMono.ttf", "fonts-dejavu-core"},
    FontFile{"DejaVuSansCondensed-Bold.ttf", "fonts-dejavu-extra"}, FontFile{"LiberationSans-Regular.ttf", "fonts-liberation2"},
    FontFile{"LiberationSans-Bold.ttf", "fonts-liberation2"},  FontFile{"LiberationSerif-Regular.ttf", "fonts-liberation2"},
    FontFile{"LiberationMono-Regular.ttf", "fonts-liberation2"}, FontFile{"FreeSans.ttf", "fonts-freefont-ttf"},
    FontFile{"FreeSansBold.ttf", "fonts-freefont-ttf"},        FontFile{"FreeSerif.ttf", "fonts-freefont-ttf"},
    FontFile{"FreeMono.ttf", "fonts-freefont-ttf"},            FontFile{"Oxygen-Sans.ttf", "fonts-oxygen"},
};

constexpr std::array kUnseenFonts{
    FontFile{"Roboto-Regular.ttf", "fonts-roboto-unhinted"},      FontFile{"Roboto-Bold.ttf", "fonts-roboto-unhinted"},
    FontFile{"Roboto-Italic.ttf", "fonts-roboto-unhinted"},       FontFile{"RobotoCondensed-Regular.ttf", "fonts-roboto-unhinted"},
    FontFile{"OpenSans-Regular.ttf", "fonts-open-sans"},          FontFile{"OpenSans-Bold.ttf", "fonts-open-sans"},
    FontFile{"OpenSans-CondBold.ttf", "fonts-open-sans"},         FontFile{"Lato-Regular.ttf", "fonts-lato"},
    FontFile{"Lato-Black.ttf", "fonts-lato"},                     FontFile{"Lato-Italic.ttf", "fonts-lato"},
    FontFile{"Carlito-Regular.ttf", "fonts-crosextra-carlito"},   FontFile{"Carlito-Bold.ttf", "fonts-crosextra-carlito"},
    FontFile{"ComicNeue-Regular.otf", "fonts-comic-neue"},        FontFile{"ComicNeue-Bold.otf", "fonts-comic-neue"},
    FontFile{"LeagueSpartan-Bold.otf", "fonts-league-spartan"},   FontFile{"RobotoSlab-Regular.otf", "fonts-roboto-slab"},
    FontFile{"Quicksand-Medium.ttf", "fonts-quicksand"},          FontFile{"NimbusSans-Regular.otf", "fonts-urw-base35"},
    FontFile{"NimbusRoman-Regular.otf", "fonts-urw-base35"},      FontFile{"NimbusMonoPS-Regular.otf", "fonts-urw-base35"},
    FontFile{"C059-Roman.otf", "fonts-urw-base35"},               FontFile{"P052-Bold.otf", "fonts-urw-base35"},
    FontFile{"URWGothic-Book.otf", "fonts-urw-base35"},           FontFile{"URWBookman-Light.otf", "fonts-urw-base35"},
};

// Held out from both: other Debian packages, and the thin weights of the unseen ones.
constexpr std::array kWideFonts{
    FontFile{"PTS55F.ttf", "fonts-paratype"},                   FontFile{"PTS75F.ttf", "fonts-paratype"},
    FontFile{"PTF55F.ttf", "fonts-paratype"},                   FontFile{"PTM55F.ttf", "fonts-paratype"},
    FontFile{"PTN57F.ttf", "fonts-paratype"},                   FontFile{"Cantarell-Regular.otf", "fonts-cantarell"},
    FontFile{"Cantarell-Thin.otf", "fonts-cantarell"},          FontFile{"Hack-Regular.ttf", "fonts-hack"},
    FontFile{"Go-Regular.ttf", "fonts-go"},                     FontFile{"Go-Mono-Bold.ttf", "fonts-go"},
    FontFile{"Dosis-Light.otf", "fonts-dosis"},                 FontFile{"Dosis-Bold.otf", "fonts-dosis"},
    FontFile{"Arimo-Regular.ttf", "fonts-croscore"},            FontFile{"Tinos-Italic.ttf", "fonts-croscore"},
    FontFile{"Cousine-Regular.ttf", "fonts-croscore"},          FontFile{"lobster.otf", "fonts-lobster"},
    FontFile{"YanoneKaffeesatz-Regular.otf", "fonts-yanone-kaffeesatz"}, FontFile{"Roboto-Light.ttf", "fonts-roboto-unhinted"},
    FontFile{"Lato-Light.ttf", "fonts-lato"},                   FontFile{"OpenSans-Light.ttf", "fonts-open-sans"},
};

constexpr std::array<int, 6> kHershey{cv::FONT_HERSHEY_SIMPLEX, cv::FONT_HERSHEY_DUPLEX, cv::FONT_HERSHEY_COMPLEX,
                              cv::FONT_HERSHEY_TRIPLEX, cv::FONT_HERSHEY_PLAIN, cv::FONT_HERSHEY_SIMPLEX | cv::FONT_ITALIC};

int uniform(int lo, int hi, std::mt19937 &rng) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
double real(double lo, double hi, std::mt19937 &rng) { return std::uniform_real_distribution<double>(lo, hi)(rng); }

cv::Ptr<cv::freetype::FreeType2> freeType(const QString &path)
{
    static std::mutex mutex;
    static std::map<QString, cv::Ptr<cv::freetype::FreeType2>> loaded;
    std::lock_guard lock(mutex);
    auto &ft = loaded[path];
    if (!ft) {
        ft = cv::freetype::createFreeType2();
        ft->loadFontData(path.toStdString(), 0);
    }
    return ft;
}

// One line of text as an alpha mask cropped to its ink (plus a margin of
// pad pixels), capitals about `height` pixels high.
cv::Mat inkOf(const QString &text, const QString &font, int height, int pad)
{
    const std::string utf8 = text.toStdString();
    cv::Mat canvas;
    if (font.startsWith(QLatin1String("hershey-"))) {
        const int face = kHershey[std::size_t(font.mid(8).toInt()) % kHershey.size()];
        int baseline = 0;
        const cv::Size unit = cv::getTextSize(utf8, face, 1.0, 1, &baseline);
        const double scale = double(height) / std::max(1, unit.height);
        const int thickness = std::max(1, int(std::lround(scale * 1.6)));
        const cv::Size size = cv::getTextSize(utf8, face, scale, thickness, &baseline);
        canvas = cv::Mat::zeros(size.height + baseline + 4 * thickness + 2 * height, size.width + 4 * thickness + 2 * height, CV_8U);
        cv::putText(canvas, utf8, cv::Point(height + thickness, height + size.height), face, scale, cv::Scalar(255), thickness, cv::LINE_AA);
    } else {
        // FreeType's size is the em: capitals are about 0.7 of it.
        const int em = std::max(6, int(std::lround(height / 0.7)));
        auto ft = freeType(font);
        int baseline = 0;
        const cv::Size size = ft->getTextSize(utf8, em, -1, &baseline);
        // FreeType draws on three channels only.
        cv::Mat bgr = cv::Mat::zeros(size.height + 3 * em, size.width + 3 * em, CV_8UC3);
        ft->putText(bgr, utf8, cv::Point(em, em + size.height), em, cv::Scalar(255, 255, 255), -1, cv::LINE_AA, true);
        cv::extractChannel(bgr, canvas, 0);
    }
    const cv::Rect ink = cv::boundingRect(canvas);
    if (ink.empty())
        return {};
    cv::Mat out = cv::Mat::zeros(ink.height + 2 * pad, ink.width + 2 * pad, CV_8U);
    canvas(ink).copyTo(out(cv::Rect(pad, pad, ink.width, ink.height)));
    return out;
}

// Lines stacked, left-aligned, a third of a height apart.
cv::Mat stacked(const std::vector<cv::Mat> &lines, int gap)
{
    int width = 0, height = 0;
    for (const cv::Mat &l : lines) {
        width = std::max(width, l.cols);
        height += l.rows + gap;
    }
    cv::Mat out = cv::Mat::zeros(std::max(1, height - gap), std::max(1, width), CV_8U);
    int y = 0;
    for (const cv::Mat &l : lines) {
        l.copyTo(out(cv::Rect(0, y, l.cols, l.rows)));
        y += l.rows + gap;
    }
    return out;
}

double luminance(const cv::Scalar &bgr) { return 0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2]; }

// A colour that reads on a ground of the given luminance: any hue, dark on
// light grounds and light on dark ones.
cv::Scalar readableColour(double groundLuminance, std::mt19937 &rng)
{
    const bool dark = groundLuminance > 128;
    cv::Mat hsv(1, 1, CV_8UC3, cv::Scalar(uniform(0, 179, rng), uniform(0, 255, rng), dark ? uniform(0, 70, rng) : uniform(215, 255, rng)));
    cv::Mat bgr;
    cv::cvtColor(hsv, bgr, cv::COLOR_HSV2BGR);
    const cv::Vec3b c = bgr.at<cv::Vec3b>(0, 0);
    return {double(c[0]), double(c[1]), double(c[2])};
}

// A block to lay over the photo: its colours and its alpha; the text's
// luminance and its ground's (negative: the photo's, under the block).
struct Block {
    cv::Mat colour, alpha;
    double textLuminance = 0, groundLuminance = -1;
};

Block solid(const cv::Mat &mask, const cv::Scalar &colour)
{
    return {cv::Mat(mask.size(), CV_8UC3, colour), mask.clone(), luminance(colour)};
}

// Text over a ground (a box, a sticker with round corners, a band): the
// ground at `opacity` behind the text's own alpha.
Block grounded(const cv::Mat &mask, const cv::Scalar &text, const cv::Scalar &ground, double opacity, int radius, int padX, int padY)
{
    Block b;
    b.textLuminance = luminance(text);
    b.groundLuminance = opacity >= 0.5 ? luminance(ground) : -1;
    const cv::Size size(mask.cols + 2 * padX, mask.rows + 2 * padY);
    b.colour = cv::Mat(size, CV_8UC3, ground);
    b.alpha = cv::Mat::zeros(size, CV_8U);
    const int a = int(std::lround(255 * opacity));
    if (radius > 0) {
        const cv::Rect inner(radius, radius, size.width - 2 * radius, size.height - 2 * radius);
        cv::rectangle(b.alpha, cv::Rect(radius, 0, size.width - 2 * radius, size.height), cv::Scalar(a), cv::FILLED);
        cv::rectangle(b.alpha, cv::Rect(0, radius, size.width, size.height - 2 * radius), cv::Scalar(a), cv::FILLED);
        for (const cv::Point c : {inner.tl(), cv::Point(inner.br().x, inner.y), cv::Point(inner.x, inner.br().y), inner.br()})
            cv::circle(b.alpha, c, radius, cv::Scalar(a), cv::FILLED, cv::LINE_AA);
    } else {
        b.alpha.setTo(a);
    }
    const cv::Rect at(padX, padY, mask.cols, mask.rows);
    cv::Mat region = b.alpha(at);
    cv::max(region, mask, region);
    // Anti-aliased edges: the text's colour blended over the ground by its alpha.
    for (int y = 0; y < mask.rows; ++y) {
        for (int x = 0; x < mask.cols; ++x) {
            const int m = mask.at<uchar>(y, x);
            auto &px = b.colour.at<cv::Vec3b>(y + padY, x + padX);
            for (int k = 0; k < 3; ++k)
                px[k] = cv::saturate_cast<uchar>((text[k] * m + ground[k] * (255 - m)) / 255);
        }
    }
    return b;
}

// Text with an edge of another colour round it (outlined or shadowed).
Block edged(const cv::Mat &mask, const cv::Scalar &text, const cv::Scalar &edge, int width, cv::Point shadow)
{
    const int pad = width + std::max(std::abs(shadow.x), std::abs(shadow.y));
    cv::Mat big = cv::Mat::zeros(mask.rows + 2 * pad, mask.cols + 2 * pad, CV_8U);
    mask.copyTo(big(cv::Rect(pad, pad, mask.cols, mask.rows)));
    cv::Mat under;
    if (shadow == cv::Point())
        cv::dilate(big, under, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * width + 1, 2 * width + 1)));
    else
        cv::warpAffine(big, under, cv::Matx23d(1, 0, shadow.x, 0, 1, shadow.y), big.size());
    Block b{cv::Mat(big.size(), CV_8UC3, edge), cv::Mat(), luminance(text), luminance(edge)};
    cv::max(under, big, b.alpha);
    for (int y = 0; y < big.rows; ++y) {
        for (int x = 0; x < big.cols; ++x) {
            const int m = big.at<uchar>(y, x);
            auto &px = b.colour.at<cv::Vec3b>(y, x);
            for (int k = 0; k < 3; ++k)
                px[k] = cv::saturate_cast<uchar>((text[k] * m + edge[k] * (255 - m)) / 255);
        }
    }
    return b;
}

// Where a block went (empty when it did not fit), at what angle, and
// whether its text is lighter than the ground about it.
struct Laid {
    cv::Rect box;
    double angle = 0;
    bool lightText = false;
};

void record(TextDrawing &drawn, const Laid &laid)
{
    drawn.box = laid.box;
    drawn.angle = laid.angle;
    drawn.lightText = laid.lightText;
}

// The block turned by `angle` degrees and laid over the photo at a random
// place (or near `at`).
Laid layOver(cv::Mat &img, Block block, double angle, std::mt19937 &rng, cv::Point *at = nullptr)
{
    const cv::Point2f centre(block.alpha.cols / 2.0f, block.alpha.rows / 2.0f);
    cv::Mat turn = cv::getRotationMatrix2D(centre, angle, 1.0);
    const cv::Rect2f bounds = cv::RotatedRect(centre, block.alpha.size(), float(angle)).boundingRect2f();
    turn.at<double>(0, 2) += bounds.width / 2.0 - centre.x;
    turn.at<double>(1, 2) += bounds.height / 2.0 - centre.y;
    const cv::Size turned(int(bounds.width) + 1, int(bounds.height) + 1);
    cv::warpAffine(block.colour, block.colour, turn, turned, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::warpAffine(block.alpha, block.alpha, turn, turned);
    if (turned.width >= img.cols || turned.height >= img.rows)
        return {};
    const cv::Point p = at ? cv::Point(std::clamp(at->x, 0, img.cols - turned.width), std::clamp(at->y, 0, img.rows - turned.height))
                           : cv::Point(uniform(0, img.cols - turned.width, rng), uniform(0, img.rows - turned.height, rng));
    cv::Mat roi = img(cv::Rect(p, turned));
    const double ground = block.groundLuminance >= 0 ? block.groundLuminance : luminance(cv::mean(roi, block.alpha == 0));
    for (int r = 0; r < turned.height; ++r) {
        for (int c = 0; c < turned.width; ++c) {
            const int a = block.alpha.at<uchar>(r, c);
            if (a == 0)
                continue;
            auto &dst = roi.at<cv::Vec3b>(r, c);
            const auto &src = block.colour.at<cv::Vec3b>(r, c);
            for (int k = 0; k < 3; ++k)
                dst[k] = cv::saturate_cast<uchar>((src[k] * a + dst[k] * (255 - a)) / 255);
        }
    }
    return {{p, turned}, angle, block.textLuminance > ground};
}

void drawTune(cv::Mat &img, const ContactSample &sample, const QString &font, double shrink, std::mt19937 &rng, TextDrawing &drawn)
{
    static const std::array<cv::Scalar, 6> colours{cv::Scalar(255, 255, 255), cv::Scalar(0, 0, 0), cv::Scalar(0, 0, 220),
                                                   cv::Scalar(0, 220, 255), cv::Scalar(200, 60, 0), cv::Scalar(40, 160, 40)};
    const cv::Scalar colour = colours[std::size_t(uniform(0, 5, rng))];
    int height = int(img.rows * real(0.03, 0.08, rng) * shrink);
    cv::Mat mask = inkOf(sample.text, font, height, std::max(3, height / 3));
    if (mask.cols > img.cols * 0.9) {
        height = int(height * img.cols * 0.9 / mask.cols);
        mask = inkOf(sample.text, font, height, std::max(3, height / 3));
    }
    if (mask.empty())
        return;
    drawn.letterHeight = height;
    const double angle = real(-20, 20, rng);
    switch (uniform(0, 2, rng)) {
    case 0:
        drawn.layout = QStringLiteral("plain");
        record(drawn, layOver(img, solid(mask, colour), angle, rng));
        break;
    case 1: {
        drawn.layout = QStringLiteral("boxed");
        const cv::Scalar ground = luminance(colour) > 127 ? cv::Scalar(30, 30, 30) : cv::Scalar(245, 245, 245);
        record(drawn, layOver(img, grounded(mask, colour, ground, 1.0, 0, height / 3, height / 3), angle, rng));
        break;
    }
    default:
        drawn.layout = QStringLiteral("shadow");
        record(drawn, layOver(img, edged(mask, colour, luminance(colour) > 127 ? cv::Scalar(20, 20, 20) : cv::Scalar(235, 235, 235), 0,
                           cv::Point(std::max(1, height / 10), std::max(1, height / 10))),
                angle, rng));
    }
}

QString sentenceAround(const ContactSample &sample, std::mt19937 &rng)
{
    static const std::array<const char *, 5> before{"Selling, text me on ", "For details: ", "Price on request ", "Pick up only, ", "Пишите "};
    static const std::array<const char *, 4> after{" thanks", " any time", "", " (no calls)"};
    return QString::fromUtf8(before[std::size_t(uniform(0, 4, rng))]) + sample.text + QString::fromUtf8(after[std::size_t(uniform(0, 3, rng))]);
}

void drawUnseen(cv::Mat &img, const ContactSample &sample, const QString &font, double shrink, std::mt19937 &rng, TextDrawing &drawn)
{
    static const std::array<const char *, 6> layouts{"banner", "across", "sentence", "outline", "sticker", "label"};
    drawn.layout = QString::fromLatin1(layouts[std::size_t(uniform(0, 5, rng))]);
    const double ground = luminance(cv::mean(img));
    int height = int(img.rows * real(0.025, 0.10, rng) * shrink);
    std::vector<QString> lines{sample.text};
    if (drawn.layout == QLatin1String("sentence"))
        lines = {sentenceAround(sample, rng)};
    else if (drawn.layout == QLatin1String("label"))
        lines = {sample.label.isEmpty() ? QStringLiteral("Contact:") : sample.label, sample.text};
    const auto render = [&](int h) {
        std::vector<cv::Mat> masks;
        for (const QString &l : lines)
            masks.push_back(inkOf(l, font, h, std::max(2, h / 4)));
        return stacked(masks, h / 3);
    };
    cv::Mat mask = render(height);
    const double widest = drawn.layout == QLatin1String("across") ? real(0.75, 0.95, rng) : 0.92;
    if (drawn.layout == QLatin1String("across") || mask.cols > img.cols * widest) {
        height = std::max(6, int(height * img.cols * widest / mask.cols));
        mask = render(height);
    }
    drawn.letterHeight = height;
    double angle = real(-25, 25, rng);
    if (drawn.layout == QLatin1String("banner")) {
        const cv::Scalar band = readableColour(255 - ground, rng), text = readableColour(luminance(band), rng);
        // As wide as the photo, less what its turn of up to 3 degrees needs.
        const int padX = std::max(0, (int(img.cols * 0.9) - mask.cols) / 2);
        cv::Point at(0, uniform(0, std::max(0, img.rows - mask.rows - height), rng));
        record(drawn, layOver(img, grounded(mask, text, band, real(0.6, 0.9, rng), 0, padX, height / 2), real(-3, 3, rng), rng, &at));
        return;
    }
    if (drawn.layout == QLatin1String("across"))
        angle = real(-10, 10, rng);
    if (drawn.layout == QLatin1String("outline")) {
        const cv::Scalar text = readableColour(uniform(0, 1, rng) ? 0 : 255, rng);
        record(drawn, layOver(img, edged(mask, text, luminance(text) > 127 ? cv::Scalar(0, 0, 0) : cv::Scalar(255, 255, 255), std::max(1, height / 8), {}), angle,
                rng));
    } else if (drawn.layout == QLatin1String("sticker")) {
        const cv::Scalar paper = readableColour(uniform(0, 1, rng) ? 0 : 255, rng), text = readableColour(luminance(paper), rng);
        record(drawn, layOver(img, grounded(mask, text, paper, 1.0, height / 2, height / 2, height / 3), angle, rng));
    } else {
        record(drawn, layOver(img, solid(mask, readableColour(ground, rng)), angle, rng));
    }
}

// Two colours of about one brightness and hues far apart (red on green,
// blue on orange): text that only its colour sets apart.
std::pair<cv::Scalar, cv::Scalar> tintedPair(std::mt19937 &rng)
{
    const int hue = uniform(0, 179, rng), value = uniform(110, 230, rng);
    const auto bgr = [](int h, int s, int v) {
        cv::Mat px(1, 1, CV_8UC3, cv::Scalar(h, s, v)), out;
        cv::cvtColor(px, out, cv::COLOR_HSV2BGR);
        const cv::Vec3b c = out.at<cv::Vec3b>(0, 0);
        return cv::Scalar(c[0], c[1], c[2]);
    };
    return {bgr((hue + uniform(60, 120, rng)) % 180, uniform(160, 255, rng), value), bgr(hue, uniform(120, 255, rng), std::clamp(value + uniform(-40, 40, rng), 60, 255))};
}

// The wider family: text on a photographed screen (light on dark, soft), in
// a colour on a ground of about its brightness, small and thin, steeply
// turned, or below a line about the item ("Sofa, £120").
void drawWide(cv::Mat &img, const ContactSample &sample, const QString &font, double shrink, std::mt19937 &rng, TextDrawing &drawn)
{
    static const std::array<const char *, 5> layouts{"screen", "tinted", "small", "steep", "advert"};
    static const std::array<const char *, 5> items{"Sofa, £120", "iPhone 12 64GB", "Продам велосипед", "Pram, as new", "Cot + mattress £45"};
    drawn.layout = QString::fromLatin1(layouts[std::size_t(uniform(0, 4, rng))]);
    int height = int(img.rows * (drawn.layout == QLatin1String("small") ? real(0.018, 0.03, rng) : real(0.03, 0.08, rng)) * shrink);
    const bool advert = drawn.layout == QLatin1String("advert");
    const QString item = QString::fromUtf8(items[std::size_t(uniform(0, 4, rng))]);
    const auto render = [&](int h) {
        cv::Mat line = inkOf(sample.text, font, h, std::max(2, h / 4));
        cv::Mat above = advert ? inkOf(item, font, h * 5 / 4, std::max(2, h / 4)) : cv::Mat();
        return above.empty() || line.empty() ? line : stacked({above, line}, h / 2);
    };
    cv::Mat mask = render(height);
    if (mask.cols > img.cols * 0.9) {
        height = std::max(6, int(height * img.cols * 0.9 / mask.cols));
        mask = render(height);
    }
    if (mask.empty())
        return;
    drawn.letterHeight = height;
    const double ground = luminance(cv::mean(img));
    if (drawn.layout == QLatin1String("screen")) {
        const cv::Scalar text = readableColour(0, rng);
        Block b = grounded(mask, text, cv::Scalar(uniform(10, 50, rng), uniform(10, 50, rng), uniform(10, 50, rng)), 1.0, height / 3, height, height / 2);
        cv::GaussianBlur(b.colour, b.colour, cv::Size(3, 3), real(0.5, 1.2, rng));
        record(drawn, layOver(img, b, real(-8, 8, rng), rng));
    } else if (drawn.layout == QLatin1String("tinted")) {
        const auto [text, paper] = tintedPair(rng);
        record(drawn, layOver(img, grounded(mask, text, paper, 1.0, uniform(0, 1, rng) * height / 2, height / 2, height / 3), real(-15, 15, rng), rng));
    } else if (drawn.layout == QLatin1String("steep")) {
        record(drawn, layOver(img, solid(mask, readableColour(ground, rng)), (uniform(0, 1, rng) ? 1 : -1) * real(25, 35, rng), rng));
    } else if (advert) {
        const cv::Scalar paper = readableColour(uniform(0, 1, rng) ? 0 : 255, rng);
        record(drawn, layOver(img, grounded(mask, readableColour(luminance(paper), rng), paper, real(0.7, 1.0, rng), 0, height / 2, height / 2), real(-10, 10, rng), rng));
    } else {
        record(drawn, layOver(img, solid(mask, readableColour(ground, rng)), real(-10, 10, rng), rng));
    }
}

} // namespace

Result<QStringList> sampleFonts(SampleFamily family)
{
    QHash<QString, QString> found;
    for (QDirIterator it(QStringLiteral("/usr/share/fonts"), QDir::Files, QDirIterator::Subdirectories); it.hasNext();) {
        const QString path = it.next();
        found.insert(QFileInfo(path).fileName(), path);
    }
    QStringList out, missing;
    const auto want = [&](const auto &fonts) {
        for (const FontFile &f : fonts) {
            if (const QString path = found.value(QString::fromLatin1(f.file)); !path.isEmpty())
                out << path;
            else if (!missing.contains(QString::fromLatin1(f.package)))
                missing << QString::fromLatin1(f.package);
        }
    };
    if (family == SampleFamily::Tune) {
        for (std::size_t i = 0; i < kHershey.size(); ++i)
            out << QStringLiteral("hershey-%1").arg(i);
        want(kTuneFonts);
    } else if (family == SampleFamily::Unseen) {
        want(kUnseenFonts);
    } else {
        want(kWideFonts);
    }
    if (!missing.isEmpty())
        return Error{ErrorCode::IoError, QStringLiteral("fonts missing: apt-get install %1 (scripts/setup.sh)").arg(missing.join(QLatin1Char(' ')))};
    return out;
}

void drawSample(cv::Mat &img, const ContactSample &sample, SampleFamily family, const QStringList &fonts, std::mt19937 &rng, TextDrawing &drawn)
{
    const QString font = fonts[uniform(0, int(fonts.size()) - 1, rng)];
    drawn.font = QFileInfo(font).fileName();
    // Smaller each time the text does not fit on the photo at its size and angle.
    for (double shrink = 1.0; shrink > 0.2 && drawn.box.empty(); shrink *= 0.7) {
        cv::Mat copy = img.clone();
        if (family == SampleFamily::Tune)
            drawTune(copy, sample, font, shrink, rng, drawn);
        else if (family == SampleFamily::Unseen)
            drawUnseen(copy, sample, font, shrink, rng, drawn);
        else
            drawWide(copy, sample, font, shrink, rng, drawn);
        if (!drawn.box.empty())
            img = copy;
    }
}

} // namespace listinglens
