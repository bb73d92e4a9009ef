// The data console's Quality and Throughput pages against a database filled
// through the store's own write API: the matrix, rates, time series on the
// clock and the dark theme. Each test runs on SQLite, and on PostgreSQL when
// scripts/with-postgres.sh gives one.
#include "console_fixture.h"
#include "console_worker.h"
#include "csv.h"
#include "fixtures.h"
#include "history_model.h"
#include "history_page.h"
#include "history_reads.h"
#include "prediction_store.h"
#include "quality_page.h"
#include "stats_reads.h"
#include "synthetic_rows.h"
#include "theme.h"
#include "throughput_page.h"
#include "time_chart.h"

#include <QApplication>
#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>
#include <QTimeZone>

#include <cmath>

using namespace listinglens;
using namespace listinglens::test;
using namespace listinglens::ui;

class TestConsoleCharts : public ConsoleFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { driverRows(); }
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void init() { setUpTest(); }
    void cleanup() { tearDown(); }

    void qualityMatrixByVolumeWithNamesAndRowShares()
    {
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 20 * kMinute;
        int i = 0;
        auto decided = [&](const QString &suggested, const QString &confirmed) {
            const qint64 id = add(t0 + (i++) * 1000, suggested, 0.7, 100, suggested + QStringLiteral(" item"));
            decide(id, confirmed, QStringLiteral("anna"), confirmed + QStringLiteral(" (final)"));
        };
        for (int k = 0; k < 4; ++k)
            decided(QStringLiteral("phones"), QStringLiteral("phones"));
        decided(QStringLiteral("phones"), QStringLiteral("computers"));
        for (int k = 0; k < 2; ++k)
            decided(QStringLiteral("computers"), QStringLiteral("computers"));
        decided(QStringLiteral("shoes"), QStringLiteral("clothing"));

        QualityPage quality(m_worker.get());
        quality.refresh();
        QTRY_COMPARE(quality.matrix()->rowCount(), 4);
        // Volume (suggested + confirmed): phones 5+4, computers 2+3, shoes 1, clothing 1.
        QCOMPARE(quality.matrixClasses().mid(0, 2), (QStringList{QStringLiteral("phones"), QStringLiteral("computers")}));
        QCOMPARE(quality.matrix()->columnCount(), 4);
        QCOMPARE(quality.matrix()->horizontalHeaderItem(0)->text(), QStringLiteral("Phones & tablets"));
        QCOMPARE(quality.matrix()->verticalHeaderItem(0)->text(), QStringLiteral("Phones & tablets (5)"));
        QCOMPARE(quality.matrix()->item(0, 0)->text(), QStringLiteral("80%"));
        QCOMPARE(quality.matrix()->item(0, 1)->text(), QStringLiteral("20%"));
        QCOMPARE(quality.matrix()->item(1, 1)->text(), QStringLiteral("100%"));
        QVERIFY(quality.matrix()->item(1, 0)->text().isEmpty());
        // A heat scale: the fuller cell is the stronger colour.
        const auto strength = [&](int r, int c) { return quality.matrix()->item(r, c)->background().color().saturationF(); };
        QVERIFY(strength(1, 1) > strength(0, 0)); // 100 % against 80 % on the diagonal
        QVERIFY(quality.findChild<QLabel *>(QStringLiteral("confirmedAxis")) != nullptr);
        QVERIFY(quality.findChild<QWidget *>(QStringLiteral("suggestedAxis")) != nullptr);
        QVERIFY(!quality.matrix()->verticalHeader()->isHidden());
    }

    // Past QualityPage::kMatrixTop categories, the matrix keeps those of most
    // volume and folds the rest into one row and column (no drill-down there),
    // while the acceptance table still lists every category.
    void qualityMatrixFoldsTheRest()
    {
        const QStringList ids = {QStringLiteral("phones"), QStringLiteral("computers"), QStringLiteral("tv-audio"), QStringLiteral("cameras"),
                                 QStringLiteral("appliances"), QStringLiteral("furniture"), QStringLiteral("home-garden"),
                                 QStringLiteral("clothing"), QStringLiteral("shoes"), QStringLiteral("bags-accessories"),
                                 QStringLiteral("watches-jewelry"), QStringLiteral("kids-toys")};
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 20 * kMinute;
        int i = 0;
        for (int k = 0; k < ids.size(); ++k)
            for (int j = 0; j < ids.size() - k; ++j) // the first has the most decisions
                decide(add(t0 + (i++) * 100, ids[k], 0.7, 100, QStringLiteral("Item")), ids[k], QStringLiteral("anna"), QStringLiteral("Item"));
        QualityPage quality(m_worker.get());
        quality.refresh();
        QTRY_COMPARE(quality.matrix()->rowCount(), QualityPage::kMatrixTop + 1);
        QCOMPARE(quality.matrixClasses().first(), QStringLiteral("phones"));
        QVERIFY2(quality.matrix()->verticalHeaderItem(QualityPage::kMatrixTop)->text().startsWith(QStringLiteral("2 other categories")),
                 qPrintable(quality.matrix()->verticalHeaderItem(QualityPage::kMatrixTop)->text()));
        QTableWidgetItem *folded = quality.matrix()->item(QualityPage::kMatrixTop, QualityPage::kMatrixTop);
        QCOMPARE(folded->text(), QStringLiteral("100%"));
        QCOMPARE(folded->data(Qt::UserRole + 2).toLongLong(), 0); // no drill-down into many pairs
    }

    // Imported listings are not moderators' decisions: the page counts them
    // only when asked, and says whose decisions its figures are.
    void qualityCountsModeratorsUnlessAskedForImports()
    {
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 20 * kMinute;
        decide(add(t0, QStringLiteral("phones"), 0.7, 100, QStringLiteral("Phone")), QStringLiteral("phones"), QStringLiteral("anna"),
               QStringLiteral("Phone"));
        for (int k = 0; k < 3; ++k) {
            const qint64 id = add(t0 + 1000 + k, QStringLiteral("phones"), 0.7, 100, QStringLiteral("Imported"));
            FeedbackRecord f{QStringLiteral("import"), true, QStringLiteral("computers"), 90, QStringLiteral("EUR"), QStringLiteral("Laptop"), {}, 0};
            f.imported = true;
            QVERIFY(m_store->addFeedback(id, f).ok());
        }
        QualityPage quality(m_worker.get());
        quality.refresh();
        QTRY_COMPARE(quality.matrix()->rowCount(), 1);
        auto *summary = quality.findChild<QLabel *>(QStringLiteral("qualitySummary"));
        QVERIFY(summary);
        QTRY_VERIFY2(summary->text().startsWith(QStringLiteral("1 moderator decision,")), qPrintable(summary->text()));
        quality.findChild<QCheckBox *>(QStringLiteral("includeImports"))->setChecked(true);
        QTRY_COMPARE(quality.matrix()->columnCount(), 2);
        QTRY_VERIFY2(summary->text().startsWith(QStringLiteral("4 decisions (moderators' and imported")), qPrintable(summary->text()));
    }

    void throughputBucketsAreStableAndGapsAreGaps()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 start = bucketStart(now - 40 * kMinute, kMinute);
        // Two bursts, minutes 0-2 and 20-22 of the last 40 minutes, nothing between.
        for (int m : {0, 1, 2, 20, 21, 22})
            for (int k = 0; k < 3; ++k)
                add(start + m * kMinute + 5000 + k * 7000, QStringLiteral("phones"), 0.8, 100, QStringLiteral("p"), /*waitMs=*/200 + m);
        ThroughputPage page(m_worker.get());
        page.setRange(0); // 1 hour
        QTRY_VERIFY(page.lastAnswered() > 0);
        const SeriesPlan first = page.plan();
        const QList<QList<QPointF>> rate = page.rateChart()->segments(0);
        const QList<QList<QPointF>> latency = page.latencyChart()->segments(1);
        QCOMPARE(first.bucketMs, kMinute);
        QCOMPARE(first.fromMs % kMinute, 0);
        QCOMPARE(first.fromMs, start); // fitted to the data: it starts at the first photo's minute
        // Latency has no value where there were no photos: two runs, no line across the gap.
        QCOMPARE(latency.size(), 2);
        QCOMPARE(latency[0].size(), 3);
        QCOMPARE(latency[1].first().x(), double(start + 20 * kMinute));
        // Photos per minute is a count: the gap is drawn at 0, not across at 3 a minute.
        QCOMPARE(rate.size(), 1);
        for (const QPointF &p : rate.first()) {
            const qint64 minute = (qint64(p.x()) - start) / kMinute;
            QCOMPARE(p.y(), (minute <= 2 || (minute >= 20 && minute <= 22)) ? 3.0 : 0.0);
        }
        // Round ticks: the y axis ends on a round number.
        QCOMPARE(std::fmod(page.rateChart()->yMax(), niceStep(page.rateChart()->yMax())), 0.0);

        QTest::qWait(2500); // the clock moves on; the same data draws the same
        const int answered = page.lastAnswered();
        page.refresh();
        QTRY_VERIFY(page.lastAnswered() > answered);
        QCOMPARE(page.plan().fromMs, first.fromMs);
        QCOMPARE(page.plan().bucketMs, first.bucketMs);
        QCOMPARE(page.latencyChart()->segments(1), latency);
        const QList<QList<QPointF>> again = page.rateChart()->segments(0);
        QCOMPARE(again.first().mid(0, 23), rate.first().mid(0, 23));
        QVERIFY(page.summary()->text().contains(QStringLiteral("waiting")));
    }

    void planSeriesSitsOnTheClock_data()
    {
        QTest::addColumn<qint64>("span");
        QTest::addColumn<qint64>("bucket");
        QTest::newRow("1 h") << 3'600'000LL << kMinute;
        QTest::newRow("24 h") << 86'400'000LL << 10 * kMinute;
        QTest::newRow("7 d") << 604'800'000LL << 60 * kMinute;
    }

    void planSeriesSitsOnTheClock()
    {
        QFETCH(qint64, span);
        QFETCH(qint64, bucket);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const SeriesPlan a = planSeries(now - span, now, 0), b = planSeries(now - span + 7000, now + 7000, 0);
        QCOMPARE(a.bucketMs, bucket);
        QCOMPARE(a.fromMs % bucket, 0);
        QVERIFY((a.toMs - a.fromMs) / a.bucketMs <= 240);
        QCOMPARE(b.bucketMs, a.bucketMs);
        QCOMPARE((b.fromMs - a.fromMs) % bucket, 0); // the same grid
        // Fitted: data only in the last 5 minutes of a day gives minutes, not one dot.
        const SeriesPlan fitted = planSeries(now - 86'400'000LL, now, now - 5 * kMinute);
        QCOMPARE(fitted.bucketMs, kMinute);
        QVERIFY(fitted.toMs - fitted.fromMs >= 12 * kMinute);
    }

    // Counted after aligning: 10:00:30-14:00:30 is 240 minutes long but touches
    // 241 whole minutes, one over the cap: the next size up.
    void planSeriesKeepsToMaxBucketsOnceAligned()
    {
        const qint64 at = 1'700'000'000'000LL / kMinute * kMinute + 30'000; // half a minute past
        const SeriesPlan plan = planSeries(at, at + 240 * kMinute, 0, 240);
        QCOMPARE((plan.toMs - plan.fromMs) % plan.bucketMs, 0);
        QVERIFY2((plan.toMs - plan.fromMs) / plan.bucketMs <= 240, qPrintable(QString::number((plan.toMs - plan.fromMs) / plan.bucketMs)));
        QCOMPARE(plan.bucketMs, 2 * kMinute);
        QVERIFY(plan.fromMs <= at && plan.toMs >= at + 240 * kMinute);
        // Aligned already: 240 minutes are 240 one-minute buckets.
        QCOMPARE(planSeries(at - 30'000, at - 30'000 + 240 * kMinute, 0, 240).bucketMs, kMinute);
    }

    void consoleIsReadableInTheDarkTheme()
    {
        applyTheme(QStringLiteral("dark"));
        const auto restore = qScopeGuard([] { applyTheme(QStringLiteral("light")); });
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 20 * kMinute;
        for (int k = 0; k < 6; ++k) {
            const qint64 id = add(t0 + k * 60'000, k < 4 ? QStringLiteral("phones") : QStringLiteral("shoes"), 0.8, 100, QStringLiteral("x"));
            decide(id, k == 3 ? QStringLiteral("computers") : k < 4 ? QStringLiteral("phones") : QStringLiteral("shoes"), QStringLiteral("anna"), {});
        }
        QualityPage quality(m_worker.get());
        quality.resize(1200, 800);
        quality.refresh();
        QTRY_COMPARE(quality.matrix()->rowCount(), 3);
        int filled = 0;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) {
                const QTableWidgetItem *item = quality.matrix()->item(r, c);
                if (item->text().isEmpty())
                    continue;
                ++filled;
                const double ratio = contrast(item->foreground().color(), item->background().color());
                QVERIFY2(ratio >= 4.5, qPrintable(QStringLiteral("%1 on %2: %3").arg(item->foreground().color().name(),
                                                                                     item->background().color().name()).arg(ratio)));
            }
        QCOMPARE(filled, 3);
        ThroughputPage throughput(m_worker.get());
        throughput.resize(1200, 800);
        throughput.setRange(0);
        QTRY_VERIFY(throughput.lastAnswered() > 0);
        const QImage chart = throughput.rateChart()->grab().toImage();
        QVERIFY(!chart.isNull());
        QVERIFY2(chart.pixelColor(4, 4).lightnessF() < 0.35, qPrintable(chart.pixelColor(4, 4).name())); // not white
        if (const QString dir = qEnvironmentVariable("LISTINGLENS_CONSOLE_SHOTS"); !dir.isEmpty()) {
            quality.grab().save(dir + QStringLiteral("/quality-dark.png"));
            throughput.grab().save(dir + QStringLiteral("/throughput-dark.png"));
        }
    }

    // Flag rates per day on the quality page: the share of each day's photos, in percent; a day without photos is a gap.
    void qualityPageChartsFlagRates()
    {
        constexpr qint64 kDay = 86'400'000LL;
        const qint64 today = bucketStart(QDateTime::currentMSecsSinceEpoch(), kDay);
        const qint64 day0 = today - 3 * kDay;
        auto addFlagged = [&](qint64 at, const QStringList &flags) {
            PredictionRecord rec;
            rec.source = QStringLiteral("gui");
            rec.fileName = QStringLiteral("/photos/x.jpg");
            rec.createdMs = at;
            rec.result = consoleResult(QStringLiteral("phones"), 0.8, 50, QStringLiteral("x"));
            rec.result->quality.flags = flags;
            QVERIFY(m_store->addPrediction(rec).ok());
        };
        for (int i = 0; i < 4; ++i)
            addFlagged(day0 + 3'600'000LL + i, i == 0 ? QStringList{QStringLiteral("contact_details")} : QStringList{});
        addFlagged(day0 + 2 * kDay + 3'600'000LL, {QStringLiteral("contact_details"), QStringLiteral("person_in_photo")});
        const qint64 now = QDateTime::currentMSecsSinceEpoch() + 1;
        const SeriesPlan plan = planDailySeries(now - 30 * kDay, now, readFirstTime(*m_store, now - 30 * kDay, now).value());
        QCOMPARE(plan.bucketMs, kDay);
        auto rates = readFlagRates(*m_store, plan.fromMs, plan.toMs, plan.bucketMs, chartedFlags());
        QVERIFY2(rates.ok(), qPrintable(rates.ok() ? QString() : rates.error().message));
        QualityPage quality(m_worker.get());
        quality.showFlagRates(plan, QList<FlagRateBucket>(rates.value().begin(), rates.value().end()));
        const int contact = int(chartedFlags().indexOf(QStringLiteral("contact_details")));
        const int person = int(chartedFlags().indexOf(QStringLiteral("person_in_photo")));
        QCOMPARE(quality.flagRates()->segments(contact),
                 (QList<QList<QPointF>>{{QPointF(double(day0), 25.0)}, {QPointF(double(day0 + 2 * kDay), 100.0)}}));
        QCOMPARE(quality.flagRates()->segments(person),
                 (QList<QList<QPointF>>{{QPointF(double(day0), 0.0)}, {QPointF(double(day0 + 2 * kDay), 100.0)}}));
    }
};

QTEST_MAIN(TestConsoleCharts)
#include "tst_console_charts.moc"
