// A photo's route (core/runtime): the order of its reports, cancelling,
// failures, the one join of a stored row and what the lane read, the lane
// fair across keys under a flood, and nothing full-size waiting for it.
#include "classifier.h"
#include "fixtures.h"
#include "moderation_json.h"
#include "moderated_result.h"
#include "moderation_lane.h"
#include "prediction_store.h"
#include "route.h"
#include "store_recorder.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <map>
#include <mutex>
#include <thread>

using namespace listinglens;

namespace {

// A record stage that stores on a thread of its own, later, as a queue
// worker's writer does: the route must carry each photo on from there.
class LaterRecorder : public RecordStage {
public:
    LaterRecorder(std::shared_ptr<PredictionStore> store, Classifier &classifier) : m_inner(std::move(store), classifier, QStringLiteral("api")) {}
    ~LaterRecorder() override { finish(); }

    void start()
    {
        m_writer.start(QStringLiteral("later"), 1, [this](std::stop_token, int) {
            while (auto item = m_queue.pop()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                m_inner.record(std::move(item->first), item->second);
            }
        });
    }
    void finish()
    {
        m_queue.close();
        m_writer.join();
    }
    void record(RoutedPhoto photo, Resume resume) override
    {
        std::pair<RoutedPhoto, Resume> item{std::move(photo), std::move(resume)};
        QVERIFY(m_queue.push(item));
    }
    void complete(const RoutedPhoto &photo) override { m_inner.complete(photo); }

private:
    StoreRecorder m_inner;
    WorkQueue<std::pair<RoutedPhoto, Resume>> m_queue{QueueLimits{64, 0}};
    TaskThreads m_writer;
};

} // namespace

class TestRoute : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (const char *name : {"toaster.jpg", "laptop.jpg", "teddy.jpg", "backpack.jpg", "moped.jpg", "jean.jpg"})
            m_photos << test::samplePhotosDir() + QLatin1Char('/') + QLatin1String(name);
        QVERIFY(QFile::exists(m_photos.front()));
        m_classifier = Classifier::create({}).value();
        m_withNumber = test::photoWithPhoneNumber();
        QVERIFY(!m_withNumber.isEmpty());
        auto lane = ModerationLane::open({});
        QVERIFY2(lane.ok(), qPrintable(lane.ok() ? QString() : lane.error().message));
        m_lane = std::move(lane).value();
    }

    // Each photo is suggested once, in input order, on the calling thread, and
    // completed once after it; with completeInOrder the completions come in
    // input order too, though the lane finishes them when it can. Failures are
    // reported (and stored), never sent to the lane.
    void reportsEachPhotoTwiceInOrder()
    {
        auto store = openStore(QStringLiteral("order.sqlite"));
        QVERIFY(store);
        const QString corrupt = m_dir.filePath(QStringLiteral("corrupt.jpg"));
        QVERIFY(test::writeFile(corrupt, QByteArray("\xFF\xD8\xFF\xE0 not really a jpeg", 22)));
        std::vector<PhotoSource> sources;
        for (int i = 0; i < 6; ++i)
            sources.push_back(PhotoSource::fromFile(m_photos[i]));
        sources.insert(sources.begin() + 2, PhotoSource::fromFile(corrupt));
        sources.insert(sources.begin() + 4, PhotoSource::fromBytes(QStringLiteral("number.jpg"), m_withNumber));
        RouteOptions options;
        options.pipeline = {3, 2};
        options.completeInOrder = true;
        Route route(*m_classifier, options);
        route.plugLane(m_lane.get());
        StoreRecorder recorder(store, *m_classifier, QStringLiteral("cli"));
        route.plugRecorder(&recorder, RecordAt::Suggested);
        std::mutex mutex;
        std::vector<int> suggested, completed;
        std::vector<qint64> suggestedRows(sources.size()), completedRows(sources.size());
        const auto caller = std::this_thread::get_id();
        route.setReports({{},
                          [&](RoutedPhoto &p) {
                              QCOMPARE(std::this_thread::get_id(), caller);
                              std::lock_guard lock(mutex);
                              suggested.push_back(p.index);
                              suggestedRows[std::size_t(p.index)] = p.predictionId;
                              if (p.ok())
                                  QCOMPARE(p.result().moderation.state, PhotoModeration::State::Pending);
                          },
                          [&](RoutedPhoto &p) {
                              std::lock_guard lock(mutex);
                              QVERIFY(std::find(suggested.begin(), suggested.end(), p.index) != suggested.end());
                              completed.push_back(p.index);
                              completedRows[std::size_t(p.index)] = p.predictionId;
                              if (p.ok())
                                  QCOMPARE(p.result().moderation.state, PhotoModeration::State::Done);
                          }});
        route.run(sources);
        route.waitForLane();
        const std::vector<int> inOrder{0, 1, 2, 3, 4, 5, 6, 7};
        QCOMPARE(suggested, inOrder);
        QCOMPARE(completed, inOrder);
        // One join: the row the suggestion was stored as is the row the lane completed.
        QCOMPARE(completedRows, suggestedRows);
        QVERIFY(std::all_of(suggestedRows.begin(), suggestedRows.end(), [](qint64 id) { return id > 0; })); // the failure too
        QCOMPARE(moderationOf(*store, suggestedRows[4]).state, PhotoModeration::State::Done);
        QCOMPARE(int(moderationOf(*store, suggestedRows[4]).text.contacts.size()), 1);
        QCOMPARE(rowCount(*store, QStringLiteral("ok = 0")), 1);
        QCOMPARE(rowCount(*store, QStringLiteral("moderation_until_ms IS NOT NULL")), 0); // nothing left held
        QVERIFY(route.rowsInLane().empty());
    }

    // A record stage that stores later, on its own thread (a worker's writer):
    // each photo still goes to the lane with its own row, and that row is the
    // one completed.
    void recordedLaterStillJoinsItsRow()
    {
        auto store = openStore(QStringLiteral("later.sqlite"));
        QVERIFY(store);
        std::vector<PhotoSource> sources;
        for (int i = 0; i < 5; ++i) {
            sources.push_back(PhotoSource::fromBytes(QStringLiteral("n%1.jpg").arg(i), m_withNumber));
            sources.push_back(PhotoSource::fromFile(m_photos[i]));
        }
        RouteOptions options;
        options.admission = LaneAdmission::Offer;
        Route route(*m_classifier, options);
        route.plugLane(m_lane.get());
        LaterRecorder recorder(store, *m_classifier);
        recorder.start();
        route.plugRecorder(&recorder, RecordAt::Suggested);
        std::mutex mutex;
        std::map<qint64, QString> nameOfRow;
        route.setReports({{}, {}, [&](RoutedPhoto &p) {
            std::lock_guard lock(mutex);
            nameOfRow[p.predictionId] = p.name;
        }});
        route.run(sources);
        QTRY_COMPARE_WITH_TIMEOUT(int(nameOfRow.size()), 10, 60'000);
        route.waitForLane();
        recorder.finish();
        for (const auto &[row, name] : nameOfRow) {
            QVERIFY(row > 0);
            QCOMPARE(fileOf(*store, row), name);
            const PhotoModeration m = moderationOf(*store, row);
            if (m.state == PhotoModeration::State::Done)
                QCOMPARE(int(m.text.contacts.size()), name.startsWith(QLatin1Char('n')) ? 1 : 0);
            else // the lane had no room for it: for review, never as if read
                QCOMPARE(m.state, PhotoModeration::State::Failed);
        }
    }

    // A cancelled photo is reported (Cancelled) but never recorded: it was not processed.
    void cancelledPhotosAreReportedNotRecorded()
    {
        auto store = openStore(QStringLiteral("cancel.sqlite"));
        QVERIFY(store);
        std::vector<PhotoSource> sources;
        for (int i = 0; i < 60; ++i)
            sources.push_back(PhotoSource::fromFile(m_photos[i % m_photos.size()]));
        RouteOptions options;
        options.pipeline = {2, 1};
        Route route(*m_classifier, options);
        StoreRecorder recorder(store, *m_classifier, QStringLiteral("cli"));
        route.plugRecorder(&recorder, RecordAt::Suggested);
        std::stop_source cancel;
        int processed = 0, cancelled = 0;
        route.setReports({{}, [&](RoutedPhoto &p) {
            if (p.ok())
                ++processed;
            else if (p.outcome.error().code == ErrorCode::Cancelled)
                ++cancelled;
            if (p.index == 3)
                cancel.request_stop();
        }, {}});
        route.run(sources, cancel.get_token());
        QCOMPARE(processed + cancelled, 60);
        QVERIFY2(cancelled >= 40, qPrintable(QString::number(cancelled)));
        QCOMPARE(rowCount(*store, QStringLiteral("1 = 1")), processed);
    }

    // One API key floods the lane; another key's photo with a phone number on
    // it, sent last, is still read and flagged. What the flood loses is
    // stored for review (not_moderated), never passed as if read.
    void floodFromOneKeyCannotLeaveAnotherKeysPhotoUnread()
    {
        auto store = openStore(QStringLiteral("flood.sqlite"));
        QVERIFY(store);
        ModerationOptions small;
        small.queueLimit = 3;
        auto lane = ModerationLane::open(small);
        QVERIFY(lane.ok());
        RouteOptions options;
        options.admission = LaneAdmission::Offer; // as the services: the main lane never waits
        Route route(*m_classifier, options);
        route.plugLane(lane.value().get());
        StoreRecorder recorder(store, *m_classifier, QStringLiteral("api"));
        route.plugRecorder(&recorder, RecordAt::Suggested);
        std::vector<PhotoSource> sources;
        for (int i = 0; i < 30; ++i) {
            sources.push_back(PhotoSource::fromBytes(QStringLiteral("flood-%1.jpg").arg(i), m_withNumber));
            sources.back().key = QStringLiteral("1");
        }
        sources.push_back(PhotoSource::fromBytes(QStringLiteral("legitimate.jpg"), m_withNumber));
        sources.back().key = QStringLiteral("2");
        qint64 legitimate = 0;
        route.setReports({{}, [&](RoutedPhoto &p) {
            if (p.key == QLatin1String("2"))
                legitimate = p.predictionId;
        }, {}});
        route.run(sources);
        route.waitForLane();
        QVERIFY(legitimate > 0);
        const PhotoModeration read = moderationOf(*store, legitimate);
        QCOMPARE(read.state, PhotoModeration::State::Done);
        QCOMPARE(int(read.text.contacts.size()), 1);
        QVERIFY(column(*store, legitimate, QStringLiteral("quality_flags")).contains(QLatin1String("contact_details")));
        QVERIFY(column(*store, legitimate, QStringLiteral("review")).contains(QLatin1String("contact_details")));
        // The flood: each row read or for review; some were not read (the lane was full).
        const int unread = rowCount(*store, QStringLiteral("review LIKE '%not_moderated%'"));
        QVERIFY2(unread > 0 && unread < 30, qPrintable(QString::number(unread)));
        QCOMPARE(rowCount(*store, QStringLiteral("moderation LIKE '%\"state\":\"done\"%'")) + unread, 31);
        QCOMPARE(rowCount(*store, QStringLiteral("moderation LIKE '%pending%' OR moderation LIKE '%skipped%'")), 0);
    }

    // A large non-JPEG is decoded at full size for the model's input, but the
    // lane gets a reduced copy: no full-resolution decode waits in its queue.
    void noFullResolutionDecodeWaitsForTheLane()
    {
        cv::Mat big(6000, 8000, CV_8UC3, cv::Scalar(200, 180, 160));
        cv::putText(big, "sam.seller@gmail.com", {400, 3000}, cv::FONT_HERSHEY_SIMPLEX, 12, cv::Scalar(0, 0, 0), 20);
        const QByteArray png = test::encode(big, ".png");
        Route route(*m_classifier, {});
        route.plugLane(m_lane.get());
        RoutedPhoto p = route.prepare(PhotoSource::fromBytes(QStringLiteral("big.png"), png));
        QVERIFY(!p.prepared.error);
        QVERIFY(qint64(p.lane.decoded.bgr.cols) * p.lane.decoded.bgr.rows <= ReadLimits{}.maxPixels);
        QCOMPARE(p.lane.decoded.decodeScale, 4);
        QCOMPARE(p.lane.decoded.width, 8000);
        QVERIFY(p.lane.bytes.isEmpty()); // a PNG's bytes serve no larger decode
        QVERIFY(p.lane.byteSize() <= ReadLimits{}.maxPixels * 3);
    }

    // A pasted image goes down the route as its pixels (no encoding), within
    // the limits a file is held to, and is suggested as the same photo would be.
    void pastedPixelsAreNotEncodedAgain()
    {
        const cv::Mat photo = cv::imread(QFile::encodeName(m_photos[3]).toStdString());
        QVERIFY(!photo.empty());
        Route route(*m_classifier, {});
        const auto pasted = route.classifyOne(PhotoSource::fromPixels(QStringLiteral("pasted image"), photo));
        const auto asFile = route.classifyOne(PhotoSource::fromBytes(QStringLiteral("p.png"), test::encode(photo, ".png")));
        QVERIFY(pasted.ok() && asFile.ok());
        QCOMPARE(pasted.value().category.id, asFile.value().category.id);
        QVERIFY(std::abs(pasted.value().category.confidence - asFile.value().category.confidence) < 1e-4);
        const auto tiny = route.classifyOne(PhotoSource::fromPixels(QStringLiteral("tiny"), cv::Mat(8, 8, CV_8UC3)));
        QVERIFY(!tiny.ok());
        QCOMPARE(tiny.error().code, ErrorCode::TooSmall);
    }

    // The lane that could not read a photo says so: the result asks for review.
    void unreadPhotosAskForReview()
    {
        PhotoResult r;
        completeModeration(r, {}, false);
        QCOMPARE(r.moderation.state, PhotoModeration::State::Failed);
        QVERIFY(r.review.needed);
        QCOMPARE(r.review.reasons, QStringList{QString::fromLatin1(kNotModerated)});
    }

private:
    std::shared_ptr<PredictionStore> openStore(const QString &file)
    {
        auto store = PredictionStore::open(QStringLiteral("sqlite:") + m_dir.filePath(file), true);
        return store ? store.value() : nullptr;
    }
    static QString column(PredictionStore &store, qint64 id, const QString &name)
    {
        QSqlQuery q(store.connection().value());
        q.prepare(QStringLiteral("SELECT %1 FROM predictions WHERE id = :id").arg(name));
        q.bindValue(QStringLiteral(":id"), id);
        return q.exec() && q.next() ? q.value(0).toString() : QString();
    }
    static QString fileOf(PredictionStore &store, qint64 id) { return column(store, id, QStringLiteral("file_name")); }
    static PhotoModeration moderationOf(PredictionStore &store, qint64 id)
    {
        return moderationFromStoredJson(QJsonDocument::fromJson(column(store, id, QStringLiteral("moderation")).toUtf8()).object());
    }
    static int rowCount(PredictionStore &store, const QString &where)
    {
        QSqlQuery q(store.connection().value());
        return q.exec(QStringLiteral("SELECT count(*) FROM predictions WHERE %1").arg(where)) && q.next() ? q.value(0).toInt() : -1;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Classifier> m_classifier;
    std::unique_ptr<ModerationLane> m_lane;
    QStringList m_photos;
    QByteArray m_withNumber;
};

QTEST_GUILESS_MAIN(TestRoute)
#include "tst_route.moc"
