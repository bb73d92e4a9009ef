#include "classifier.h"
#include "fixtures.h"
#include "photo_files.h"
#include "route.h"

#include <QTemporaryDir>
#include <QTest>

using namespace listinglens;

class TestPipeline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto c = Classifier::create({});
        QVERIFY2(c.ok(), qPrintable(c.ok() ? QString() : c.error().message));
        m_classifier = std::move(c).value();
        m_photos = findPhotos(test::samplePhotosDir());
        QCOMPARE(m_photos.size(), 24);
    }

    void reportsEveryPhotoOnceInOrder_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("threads");
        QTest::newRow("batch 1, 1 thread") << 1 << 1;
        QTest::newRow("batch 8, 2 threads") << 8 << 2;
        QTest::newRow("batch 32, 3 threads") << 32 << 3;
    }

    void reportsEveryPhotoOnceInOrder()
    {
        QFETCH(int, batch);
        QFETCH(int, threads);
        const QString corrupt = m_dir.filePath(QStringLiteral("corrupt.jpg"));
        QVERIFY(test::writeFile(corrupt, QByteArray("\xFF\xD8\xFF\xE0 not really a jpeg", 22)));
        std::vector<PhotoSource> sources;
        for (int i = 0; i < 10; ++i)
            sources.push_back(PhotoSource::fromFile(m_photos[i]));
        sources.insert(sources.begin() + 3, PhotoSource::fromFile(corrupt));
        sources.insert(sources.begin() + 7, PhotoSource::fromFile(m_dir.filePath(QStringLiteral("missing.png"))));
        sources.push_back(PhotoSource::fromBytes(QStringLiteral("upload"), QByteArray()));

        std::vector<int> order;
        std::vector<QString> outcome;
        test::classifyAll(*m_classifier, {batch, threads}, sources, [&](int i, const Result<PhotoResult> &r) {
            order.push_back(i);
            outcome.push_back(r.ok() ? r.value().labels[0].name : r.error().codeName());
        });
        QCOMPARE(int(order.size()), int(sources.size()));
        for (int i = 0; i < int(order.size()); ++i)
            QCOMPARE(order[i], i);
        QCOMPARE(outcome[3], QStringLiteral("corrupt"));
        QCOMPARE(outcome[7], QStringLiteral("io_error"));
        QCOMPARE(outcome.back(), QStringLiteral("empty"));

        // Batching must not change what a photo gets.
        for (int i : {0, 1, 2, 4}) {
            const auto single = test::classify(*m_classifier, sources[std::size_t(i)]);
            QVERIFY(single.ok());
            QCOMPARE(outcome[std::size_t(i)], single.value().labels[0].name);
        }
    }

    void batchedProbabilitiesMatchSingleOnes()
    {
        std::vector<PhotoSource> sources;
        for (const QString &p : m_photos.mid(0, 6))
            sources.push_back(PhotoSource::fromFile(p));
        std::vector<PhotoResult> batched(sources.size());
        test::classifyAll(*m_classifier, {6, 2}, sources, [&](int i, const Result<PhotoResult> &r) {
            QVERIFY(r.ok());
            batched[std::size_t(i)] = r.value();
        });
        for (std::size_t i = 0; i < sources.size(); ++i) {
            const auto single = test::classify(*m_classifier, sources[i]);
            QVERIFY(single.ok());
            QVERIFY(std::abs(single.value().labels[0].probability - batched[i].labels[0].probability) < 1e-4);
            QVERIFY(std::abs(single.value().category.confidence - batched[i].category.confidence) < 1e-4);
        }
    }

    void cancelStopsTheRestAndReportsThem()
    {
        std::vector<PhotoSource> sources;
        for (int i = 0; i < 120; ++i)
            sources.push_back(PhotoSource::fromFile(m_photos[i % m_photos.size()]));
        std::stop_source cancel;
        int done = 0, cancelled = 0, next = 0;
        test::classifyAll(*m_classifier, {4, 2}, sources, [&](int i, const Result<PhotoResult> &r) {
            QCOMPARE(i, next++);
            if (r.ok())
                ++done;
            else if (r.error().code == ErrorCode::Cancelled)
                ++cancelled;
            if (i == 5)
                cancel.request_stop();
        }, cancel.get_token());
        QCOMPARE(next, 120);
        QVERIFY2(cancelled >= 80, qPrintable(QStringLiteral("%1 done, %2 cancelled").arg(done).arg(cancelled)));
        QCOMPARE(done + cancelled, 120);
    }

    void emptyInputReportsNothing()
    {
        int calls = 0;
        test::classifyAll(*m_classifier, {}, {}, [&](int, const Result<PhotoResult> &) { ++calls; });
        QCOMPARE(calls, 0);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Classifier> m_classifier;
    QStringList m_photos;
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
