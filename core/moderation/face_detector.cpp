#include "face_detector.h"

#include "logging.h"

#include <QFile>
#include <QFileInfo>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include <algorithm>
#include <cmath>
#include <mutex>

namespace listinglens {

namespace {

// Measured on 600 untouched marketplace photos at the decode size (256 px
// short side): alt2 with these settings flagged 16, about half of them real
// faces printed on boxes and covers; haarcascade_frontalface_default flagged
// more, lbpcascade_frontalface(_improved) found fewer faces for as many false
// ones (improved missed the tilted face in the sample photo laptop.jpg).
// The cost grows with the pixels (a phone photo's 1/8 decode, 500 x 375,
// costs about twice the marketplace's 256 x 256); reducing it further loses
// faces that are found at that size (laptop.jpg's, below 450 px).
constexpr double kScaleFactor = 1.2;
constexpr int kMinNeighbours = 4;
constexpr int kMinFace = 32;        // pixels of the image detected on
// The smallest face looked for is the same share of the photo whatever the
// size of its decode: 32 px on the marketplace's 256 px short side. Smaller
// faces on a larger decode (a phone photo's 500 x 375) cost the cascade's
// largest scans (half its time) for faces a tenth of the photo.
constexpr double kMinFaceShare = 0.125;
constexpr int kMaxSide = 512;       // larger images are reduced to this long side first (bounded time)
constexpr std::size_t kMaxFaces = 32;

std::unique_ptr<cv::CascadeClassifier> loadCascade(const QString &path)
{
    auto cascade = std::make_unique<cv::CascadeClassifier>();
    try {
        if (!cascade->load(QFile::encodeName(path).toStdString()) || cascade->empty())
            return {};
    } catch (const cv::Exception &) {
        return {};
    }
    return cascade;
}

// Where a face could be: skin-toned areas (YCrCb, the usual bounds of skin
// of every tone under daylight and lamps), found on a quarter-size copy of
// the image the cascade scans (a fraction of a millisecond), each padded by
// half its size and a smallest face so that a face's whole window lies
// inside. The cascade then scans only those areas: on a phone photo of an
// item (500 x 375) it costs a few milliseconds instead of about 25.
// The whole image when it has too little colour to tell skin (a grey or
// sepia photo), when skin-toned areas cover most of it, or when the image
// is not 8-bit BGR.
std::vector<cv::Rect> faceAreas(const cv::Mat &bgr, int minFace)
{
    const cv::Rect whole(0, 0, bgr.cols, bgr.rows);
    if (bgr.type() != CV_8UC3)
        return {whole};
    constexpr int kShrink = 4;
    cv::Mat small, ycrcb, skin;
    cv::resize(bgr, small, cv::Size(std::max(1, bgr.cols / kShrink), std::max(1, bgr.rows / kShrink)), 0, 0, cv::INTER_AREA);
    cv::cvtColor(small, ycrcb, cv::COLOR_BGR2YCrCb);
    // Pixels of some colour: off grey by more than kTint in Cr or Cb.
    constexpr int kTint = 12;
    cv::Mat grey;
    cv::inRange(ycrcb, cv::Scalar(0, 128 - kTint, 128 - kTint), cv::Scalar(255, 128 + kTint, 128 + kTint), grey);
    if (double(cv::countNonZero(grey)) > 0.97 * double(grey.total()))
        return {whole}; // a grey or nearly grey photo: no colour to go by
    cv::inRange(ycrcb, cv::Scalar(30, 133, 77), cv::Scalar(255, 173, 127), skin);
    cv::dilate(skin, skin, cv::Mat());
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(skin, labels, stats, centroids, 8, CV_32S);
    // A smallest face's skin: a fifth of its box at least.
    const double minSkin = 0.2 * double(minFace) * minFace / (kShrink * kShrink);
    std::vector<cv::Rect> areas;
    for (int i = 1; i < n; ++i) {
        if (stats.at<int>(i, cv::CC_STAT_AREA) < minSkin)
            continue;
        const cv::Rect b(stats.at<int>(i, cv::CC_STAT_LEFT) * kShrink, stats.at<int>(i, cv::CC_STAT_TOP) * kShrink,
                         stats.at<int>(i, cv::CC_STAT_WIDTH) * kShrink, stats.at<int>(i, cv::CC_STAT_HEIGHT) * kShrink);
        const int pad = std::max(b.width, b.height) / 2 + minFace;
        areas.push_back(cv::Rect(b.x - pad, b.y - pad, b.width + 2 * pad, b.height + 2 * pad) & whole);
    }
    // Overlapping areas are one (a face is never cut between two).
    for (bool merged = true; merged;) {
        merged = false;
        for (std::size_t i = 0; i < areas.size() && !merged; ++i) {
            for (std::size_t j = i + 1; j < areas.size() && !merged; ++j) {
                if ((areas[i] & areas[j]).area() > 0) {
                    areas[i] |= areas[j];
                    areas.erase(areas.begin() + std::ptrdiff_t(j));
                    merged = true;
                }
            }
        }
    }
    double covered = 0;
    for (const cv::Rect &a : areas)
        covered += a.area();
    if (covered > 0.6 * whole.area())
        return {whole};
    return areas;
}

cv::Mat grey(const cv::Mat &image)
{
    cv::Mat eight = image;
    if (image.depth() != CV_8U)
        image.convertTo(eight, CV_8U);
    cv::Mat g;
    switch (eight.channels()) {
    case 1: g = eight; break;
    case 3: cv::cvtColor(eight, g, cv::COLOR_BGR2GRAY); break;
    case 4: cv::cvtColor(eight, g, cv::COLOR_BGRA2GRAY); break;
    default: return {};
    }
    return g;
}

} // namespace

struct FaceDetector::Pool {
    QString path;
    std::mutex mutex;
    std::vector<std::unique_ptr<cv::CascadeClassifier>> idle;

    std::unique_ptr<cv::CascadeClassifier> borrow()
    {
        {
            std::lock_guard lock(mutex);
            if (!idle.empty()) {
                auto c = std::move(idle.back());
                idle.pop_back();
                return c;
            }
        }
        return loadCascade(path); // loaded once by open(), so only a vanished file fails here
    }

    void giveBack(std::unique_ptr<cv::CascadeClassifier> c)
    {
        if (!c)
            return;
        std::lock_guard lock(mutex);
        idle.push_back(std::move(c));
    }
};

QString FaceDetector::defaultCascadePath()
{
    const QString env = qEnvironmentVariable("LISTINGLENS_FACE_CASCADE");
    if (!env.isEmpty())
        return env;
    return QStringLiteral("/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml");
}

Result<std::unique_ptr<FaceDetector>> FaceDetector::open(const QString &cascadePath)
{
    const QString path = cascadePath.isEmpty() ? defaultCascadePath() : cascadePath;
    const QFileInfo info(path);
    if (!info.isFile())
        return Error{ErrorCode::ModelError, QStringLiteral("face cascade %1 not found (Debian package opencv-data, or set LISTINGLENS_FACE_CASCADE)").arg(path)};
    auto cascade = loadCascade(path);
    if (!cascade)
        return Error{ErrorCode::ModelError, QStringLiteral("face cascade %1 could not be read as an OpenCV cascade").arg(path)};
    auto pool = std::make_unique<Pool>();
    pool->path = path;
    pool->idle.push_back(std::move(cascade));
    return std::unique_ptr<FaceDetector>(new FaceDetector(path, std::move(pool)));
}

FaceDetector::FaceDetector(QString path, std::unique_ptr<Pool> pool) : m_path(std::move(path)), m_pool(std::move(pool)) {}

FaceDetector::~FaceDetector() = default;

std::vector<QRect> FaceDetector::detect(const cv::Mat &bgr, int decodeScale) const
{
    if (bgr.empty() || bgr.dims != 2 || std::min(bgr.cols, bgr.rows) < kMinFace)
        return {};
    decodeScale = std::max(1, decodeScale);
    std::vector<cv::Rect> found;
    double f = 1.0; // detection image pixels -> decode pixels
    try {
        cv::Mat scanned = bgr;
        const int longSide = std::max(bgr.cols, bgr.rows);
        if (longSide > kMaxSide) {
            f = double(longSide) / kMaxSide;
            cv::resize(bgr, scanned, cv::Size(), 1.0 / f, 1.0 / f, cv::INTER_AREA);
            if (std::min(scanned.cols, scanned.rows) < kMinFace)
                return {};
        }
        cv::Mat g = grey(scanned);
        if (g.empty())
            return {};
        cv::equalizeHist(g, g);
        auto cascade = m_pool->borrow();
        if (!cascade)
            return {};
        try {
            const int minFace = std::max(kMinFace, int(kMinFaceShare * std::min(g.cols, g.rows)));
            for (const cv::Rect &area : faceAreas(scanned, minFace)) {
                if (std::min(area.width, area.height) < minFace)
                    continue;
                std::vector<cv::Rect> inArea;
                cascade->detectMultiScale(g(area), inArea, kScaleFactor, kMinNeighbours, 0, cv::Size(minFace, minFace));
                for (const cv::Rect &r : inArea)
                    found.push_back(r + area.tl());
            }
        } catch (...) {
            m_pool->giveBack(std::move(cascade));
            throw;
        }
        m_pool->giveBack(std::move(cascade));
    } catch (const cv::Exception &e) {
        qCWarning(lcImage) << "face detection failed:" << e.what();
        return {};
    } catch (const std::exception &e) {
        qCWarning(lcImage) << "face detection failed:" << e.what();
        return {};
    }
    std::sort(found.begin(), found.end(), [](const cv::Rect &a, const cv::Rect &b) { return a.area() > b.area(); });
    if (found.size() > kMaxFaces)
        found.resize(kMaxFaces);
    const double k = f * decodeScale;
    const QRect photo(0, 0, bgr.cols * decodeScale, bgr.rows * decodeScale);
    std::vector<QRect> faces;
    faces.reserve(found.size());
    for (const cv::Rect &r : found) {
        const QRect box = QRect(int(std::floor(r.x * k)), int(std::floor(r.y * k)), int(std::ceil(r.width * k)), int(std::ceil(r.height * k))) & photo;
        if (!box.isEmpty())
            faces.push_back(box);
    }
    return faces;
}

void blurFaces(cv::Mat &bgr, const std::vector<QRect> &faces, int decodeScale)
{
    if (bgr.empty() || bgr.dims != 2 || faces.empty())
        return;
    decodeScale = std::max(1, decodeScale);
    const cv::Rect image(0, 0, bgr.cols, bgr.rows);
    for (const QRect &face : faces) {
        if (face.isEmpty())
            continue;
        // In decode pixels, padded by a fifth each side (hair, chin, ears).
        const double x = double(face.x()) / decodeScale, y = double(face.y()) / decodeScale;
        const double w = double(face.width()) / decodeScale, h = double(face.height()) / decodeScale;
        const double padX = w / 5, padY = h / 5;
        const int x0 = int(std::floor(x - padX)), y0 = int(std::floor(y - padY));
        const int x1 = int(std::ceil(x + w + padX)), y1 = int(std::ceil(y + h + padY));
        const cv::Rect box = cv::Rect(x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)) & image;
        if (box.empty())
            continue;
        try {
            cv::Mat roi = bgr(box);
            // Pixelate: about eight cells across the box, each the mean of its pixels.
            const int cell = std::max(2, std::max(box.width, box.height) / 8);
            const cv::Size cells(std::max(1, box.width / cell), std::max(1, box.height / cell));
            cv::Mat small, big;
            cv::resize(roi, small, cells, 0, 0, cv::INTER_AREA);
            cv::resize(small, big, roi.size(), 0, 0, cv::INTER_NEAREST);
            // Smooth the cells' edges so the box reads as a blur, not a mosaic.
            cv::GaussianBlur(big, big, cv::Size(0, 0), cell / 2.0, cell / 2.0, cv::BORDER_REPLICATE);
            big.copyTo(roi);
        } catch (const cv::Exception &e) {
            qCWarning(lcImage) << "face blur failed:" << e.what();
        }
    }
}

} // namespace listinglens
