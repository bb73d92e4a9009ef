#include "face_detector.h"

#include "face_reduced_scan.h"
#include "face_scan_p.h"
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

// Rectangles that overlap made one, until none does.
std::vector<cv::Rect> joined(std::vector<cv::Rect> rects)
{
    for (bool again = true; again;) {
        again = false;
        for (std::size_t i = 0; i < rects.size() && !again; ++i) {
            for (std::size_t j = i + 1; j < rects.size() && !again; ++j) {
                if ((rects[i] & rects[j]).area() > 0) {
                    rects[i] |= rects[j];
                    rects.erase(rects.begin() + std::ptrdiff_t(j));
                    again = true;
                }
            }
        }
    }
    return rects;
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
    // An image too small for a copy of two pixels a side is scanned whole:
    // detect() passes only images of kMinFace pixels a side or more, but a
    // change of either constant must not make the halvings below throw (a
    // failed detection is a thumbnail left unblurred).
    if (bgr.cols < 2 * kShrink || bgr.rows < 2 * kShrink)
        return {whole};
    // The quarter-size copy of the corner whose sides are multiples of four,
    // halved twice: at an exact factor of two OpenCV averages each 2 x 2
    // block in its vectorised path. One resize by the inexact factor of a
    // phone photo's decode (500 x 375, 375 rows to 93) would weigh every
    // pixel apart: 7.6 million instructions against 1.7 for the two
    // halvings (callgrind, the 22 phone photos without text), more than the
    // rest of this function. The last rows and columns (three at most) are
    // left out: the areas are padded by a smallest face anyway, and the faces
    // found on the marketplace, sample and phone photos are the same box for box.
    cv::Mat small, ycrcb, skin;
    const cv::Size quarter(bgr.cols / kShrink, bgr.rows / kShrink);
    cv::Mat half;
    cv::resize(bgr(cv::Rect(0, 0, quarter.width * kShrink, quarter.height * kShrink)), half, quarter * 2, 0, 0, cv::INTER_AREA);
    cv::resize(half, small, quarter, 0, 0, cv::INTER_AREA);
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
    areas = joined(std::move(areas)); // a face is never cut between two
    double covered = 0;
    for (const cv::Rect &a : areas)
        covered += a.area();
    if (covered > 0.6 * whole.area())
        return {whole};
    return areas;
}

// The window sizes the cascade scans on a scaled image in which every
// window position is looked at (OpenCV does so from a scale of 2 up, every
// other one below) are first scanned sparsely, and then as OpenCV scans
// them only round what that or any other size found. On a phone photo's
// decode (500 x 375, smallest face 50 px) these are all the sizes; on the
// marketplace's 256 px decodes all but the smallest. Scanned whole, the
// sizes above the four smallest cost more than those four scanned sparsely
// on the marketplace photos (a face is a tenth of a phone photo or more, but
// a third of the photo or more there): OpenCV scans each size's image whole.
constexpr float kSparseFromScale = 2;

// Windows the cascade accepted, in the scanned image's pixels (not yet grouped).
using Hits = std::vector<cv::Rect>;

// One size's scaled image, as OpenCV's (4.6) detectMultiScale makes it from
// the image it is given (cvRound(size / scale), INTER_LINEAR_EXACT: with
// INTER_LINEAR a few windows come out otherwise), and the scale.
struct Scaled {
    cv::Mat image;
    float scale = 1;
};

// Accepted windows of sizes this far apart at most are looked for round each other.
constexpr double kNearSizes = 1.75;

// Windows accepted on a checkerboard of the positions of `s`: every other
// position across and down from (0, 0) and from (1, 1) (a scale of 1 is
// scanned every other position, from the corner of the part it is given).
// What could be a face, for half a full scan: a face's accepted windows
// lie side by side, and two side by side are never both off the board.
Hits sparseHits(cv::CascadeClassifier &cascade, const Scaled &s)
{
    const cv::Size win = cascade.getOriginalWindowSize();
    Hits hits;
    for (const int p : {0, 1}) {
        if (s.image.cols - p < win.width || s.image.rows - p < win.height)
            continue;
        Hits found;
        cascade.detectMultiScale(s.image(cv::Rect(p, p, s.image.cols - p, s.image.rows - p)), found, 1.1, 0, 0, win, win);
        for (const cv::Rect &r : found)
            hits.emplace_back(cvRound(float(r.x + p) * s.scale), cvRound(float(r.y + p) * s.scale), cvRound(float(win.width) * s.scale),
                              cvRound(float(win.height) * s.scale));
    }
    return hits;
}

// The windows with their corner in `corners` (scaled pixels), scanned as
// OpenCV's detectMultiScale scans them at this scale, every position, and
// mapped back to the image as it maps them. OpenCV looks at every position
// only from a scale of 2 up: the part is given to it twice as large (each
// pixel doubled), which its exact halving (INTER_LINEAR at exactly 1/2 is
// the mean of each 2 x 2) makes the same pixels again, at a scale of 2.
void addExactHits(cv::CascadeClassifier &cascade, const Scaled &s, const cv::Rect &corners, Hits &hits)
{
    const cv::Size win = cascade.getOriginalWindowSize();
    const cv::Rect c = corners & cv::Rect(0, 0, s.image.cols - win.width + 1, s.image.rows - win.height + 1);
    if (c.empty())
        return;
    const cv::Rect part(c.x, c.y, c.width - 1 + win.width, c.height - 1 + win.height);
    cv::Mat doubled;
    cv::resize(s.image(part), doubled, cv::Size(), 2, 2, cv::INTER_NEAREST);
    Hits found;
    cascade.detectMultiScale(doubled, found, 2.0, 0, 0, win * 2, win * 2);
    for (const cv::Rect &r : found)
        hits.emplace_back(cvRound(float(r.x / 2 + part.x) * s.scale), cvRound(float(r.y / 2 + part.y) * s.scale),
                          cvRound(float(win.width) * s.scale), cvRound(float(win.height) * s.scale));
}

// The faces on `grey` (8-bit, equalised), as cascade.detectMultiScale(grey,
// faces, kScaleFactor, kMinNeighbours, 0, minFace) finds them, for less: the
// sizes whose scan looks at every position of their scaled image (see
// kSparseFromScale) are scanned on a checkerboard of their positions, then
// at every position, as OpenCV scans them, only where a window of about
// the same size (kNearSizes) that any scan accepted has its centre, grown by
// a quarter of it (the windows that group with one lie within a fifth). A
// face is kMinNeighbours + 1 accepted windows or more over neighbouring
// positions and sizes: two side by side at one size (one is on the board),
// or one at a size below a scale of 2. Every other position across and down
// alone, a quarter of the windows, lost one of the 49 faces on the
// marketplace photos: its six windows were all off that grid. The windows
// accepted by the scans as OpenCV makes them are grouped as
// detectMultiScale groups them.
std::vector<cv::Rect> scanForFaces(cv::CascadeClassifier &cascade, const cv::Mat &grey, int minFace, int minNeighbours)
{
    const cv::Size win = cascade.getOriginalWindowSize();
    // OpenCV's scales: 1.2^k while the window fits, from minFace up.
    std::vector<Scaled> sparse;
    double below = 0; // the largest scale before the sparse ones
    for (double factor = 1;; factor *= kScaleFactor) {
        const cv::Size w(cvRound(win.width * factor), cvRound(win.height * factor));
        if (w.width > grey.cols || w.height > grey.rows)
            break;
        if (w.width < minFace || w.height < minFace)
            continue;
        const auto scale = float(factor);
        if (scale < kSparseFromScale) {
            below = factor;
            continue;
        }
        const cv::Size size(cvRound(grey.cols / scale), cvRound(grey.rows / scale));
        sparse.push_back({cv::Mat(), scale});
        cv::resize(grey, sparse.back().image, size, 1.0 / scale, 1.0 / scale, cv::INTER_LINEAR_EXACT);
    }
    Hits hits;
    if (below > 0)
        cascade.detectMultiScale(grey, hits, kScaleFactor, 0, 0, cv::Size(minFace, minFace),
                                 cv::Size(cvRound(win.width * below), cvRound(win.height * below)));
    Hits evidence = hits;
    for (const Scaled &s : sparse) {
        const Hits h = sparseHits(cascade, s);
        evidence.insert(evidence.end(), h.begin(), h.end());
    }
    for (const Scaled &s : sparse) {
        // Window corners (scaled pixels) of the windows of about a hit's size
        // (those that group with it are within a fifth of it) centred in it,
        // grown by a quarter of its size.
        const double size = win.width * s.scale;
        std::vector<cv::Rect> near;
        for (const cv::Rect &h : evidence) {
            if (h.width > kNearSizes * size || size > kNearSizes * h.width)
                continue;
            const double pad = 0.25 * h.width, half = 0.5 * win.width;
            const int x0 = cvFloor((h.x - pad) / s.scale - half), y0 = cvFloor((h.y - pad) / s.scale - half);
            const int x1 = cvCeil((h.x + h.width + pad) / s.scale - half), y1 = cvCeil((h.y + h.height + pad) / s.scale - half);
            near.push_back(cv::Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1) & cv::Rect(0, 0, s.image.cols, s.image.rows));
        }
        for (const cv::Rect &corners : joined(std::move(near)))
            addExactHits(cascade, s, corners, hits);
    }
    cv::groupRectangles(hits, minNeighbours, 0.2); // detectMultiScale's grouping
    return hits;
}

} // namespace

namespace face_scan {

// The faces on `bgr` (the image scanned) and `g` (its equalised grey): the
// cascade run over each area where a face could be (faceAreas).
std::vector<cv::Rect> facesOn(cv::CascadeClassifier &cascade, const cv::Mat &bgr, const cv::Mat &g, int minFace, int minNeighbours)
{
    std::vector<cv::Rect> found;
    for (const cv::Rect &area : faceAreas(bgr, minFace)) {
        if (std::min(area.width, area.height) < minFace)
            continue;
        for (const cv::Rect &r : scanForFaces(cascade, g(area), minFace, minNeighbours))
            found.push_back(r + area.tl());
    }
    return found;
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

} // namespace face_scan

double faceOverlap(const QRect &a, const QRect &b)
{
    const QRect common = a.intersected(b);
    if (common.isEmpty())
        return 0;
    const double both = double(common.width()) * common.height();
    return both / (double(a.width()) * a.height() + double(b.width()) * b.height() - both);
}

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
        cv::Mat g = face_scan::grey(scanned);
        if (g.empty())
            return {};
        cv::equalizeHist(g, g);
        auto cascade = m_pool->borrow();
        if (!cascade)
            return {};
        try {
            const int minFace = std::max(kMinFace, int(kMinFaceShare * std::min(g.cols, g.rows)));
            found = face_scan::facesOn(*cascade, scanned, g, minFace, kMinNeighbours);
            face_scan::addReducedScanFaces(*cascade, scanned, found);
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
    // Stable: of two boxes as large, the larger scan's first, and the same order whatever the sort's implementation.
    std::stable_sort(found.begin(), found.end(), [](const cv::Rect &a, const cv::Rect &b) { return a.area() > b.area(); });
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
