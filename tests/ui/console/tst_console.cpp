// The data console pages (History, Quality, Throughput) against a database
// filled through the store's own write API: what an analyst reads there is
// what is stored. Each test runs on SQLite, and on PostgreSQL when
// scripts/with-postgres.sh gives one.
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
#include "throughput_page.h"
#include "theme.h"
#include "time_chart.h"

#include <QApplication>
#include <QScopeGuard>
#include <QBuffer>
#include <QComboBox>
#include <QCheckBox>
#include <QDateTime>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimeZone>

#include <cmath>

using namespace listinglens;
using namespace listinglens::ui;

namespace {

constexpr qint64 kMinute = 60'000;

PhotoResult result(const QString &category, double confidence, double price, const QString &title, double waitMs = 0)
{
    PhotoResult r;
    r.file = title;
    r.category = {category, category, confidence};
    r.categories = {r.category};
    r.price = {QStringLiteral("EUR"), price * 0.5, price, price * 1.5, PriceBasis::Category, 4};
    r.title = title;
    r.description = QStringLiteral("For sale: ") + title;
    r.quality.width = 800;
    r.quality.height = 600;
    r.timing = {10, 5, 20, 35 + waitMs};
    r.model = {QStringLiteral("mobilenet_v2_imagenet"), QStringLiteral("1.0.0"), QStringLiteral("cpu")};
    return r;
}

} // namespace

class TestConsole : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { test::driverRows(); }
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void init()
    {
        QFETCH_GLOBAL(QString, driver);
        QString url;
        if (driver == QLatin1String("postgresql")) {
            LISTINGLENS_REQUIRE_POSTGRES();
            url = test::freshPostgresDatabase(QStringLiteral("listinglens_console_%1").arg(++m_serial));
        } else {
            url = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("console-%1.sqlite").arg(++m_serial));
        }
        auto store = PredictionStore::open(url, /*migrate=*/true);
        QVERIFY2(store.ok(), qPrintable(store.ok() ? QString() : store.error().message));
        m_store = store.value();
        m_worker = std::make_unique<ConsoleWorker>();
        m_worker->setStore(m_store);
    }

    void cleanup()
    {
        m_worker.reset();
        m_store.reset();
    }

    void historySortsByColumnsOtherThanTime()
    {
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 60 * kMinute;
        const QList<std::tuple<QString, double, double, QString>> rows = {
            {QStringLiteral("phones"), 0.91, 120, QStringLiteral("Black phone")},
            {QStringLiteral("computers"), 0.42, 650, QStringLiteral("Laptop")},
            {QStringLiteral("cameras"), 0.77, 80, QStringLiteral("Compact camera")},
            {QStringLiteral("phones"), 0.63, 300, QStringLiteral("Tablet")},
        };
        for (int i = 0; i < rows.size(); ++i)
            add(t0 + i * 1000, std::get<0>(rows[i]), std::get<1>(rows[i]), std::get<2>(rows[i]), std::get<3>(rows[i]));
        HistoryPage page(m_worker.get());
        page.refresh();
        QTRY_COMPARE(page.model()->rowCount(), 4);
        QCOMPARE(page.model()->row(0)->title, QStringLiteral("Tablet")); // newest first

        page.table()->sortByColumn(HistoryModel::Confidence, Qt::AscendingOrder);
        QTRY_VERIFY(!page.model()->isLoading() && page.model()->rowCount() == 4);
        QList<double> confidences;
        for (int r = 0; r < 4; ++r)
            confidences << page.model()->row(r)->confidence;
        QCOMPARE(confidences, (QList<double>{0.42, 0.63, 0.77, 0.91}));
        QVERIFY(!page.model()->sortIsPartial()); // all four matched, all four sorted

        page.table()->sortByColumn(HistoryModel::Price, Qt::DescendingOrder);
        QTRY_COMPARE(page.model()->row(0)->pricePoint, 650.0);
        QCOMPARE(page.model()->row(3)->pricePoint, 80.0);

        // By display name, not id: "Cameras & optics" < "Computers" < "Phones & tablets".
        page.table()->sortByColumn(HistoryModel::Category, Qt::AscendingOrder);
        QTRY_COMPARE(page.model()->row(0)->categoryId, QStringLiteral("cameras"));
        QCOMPARE(page.model()->row(1)->categoryId, QStringLiteral("computers"));
        QCOMPARE(page.model()->data(page.model()->index(1, HistoryModel::Category), Qt::DisplayRole).toString(), QStringLiteral("Computers"));

        // A filter keeps the sort.
        page.categoryBox()->setCurrentIndex(page.categoryBox()->findData(QStringLiteral("phones")));
        QTRY_COMPARE(page.model()->rowCount(), 2);
        page.table()->sortByColumn(HistoryModel::Title, Qt::DescendingOrder);
        QTRY_COMPARE(page.model()->row(0)->title, QStringLiteral("Tablet"));

        // Back to time: paged from the database, oldest first.
        page.table()->sortByColumn(HistoryModel::Time, Qt::AscendingOrder);
        QTRY_VERIFY(!page.model()->isLoading() && page.model()->rowCount() == 2);
        QCOMPARE(page.model()->row(0)->title, QStringLiteral("Black phone"));
    }

    void historySortOnManyRowsSaysItIsPartial()
    {
        QVERIFY(fillSynthetic(*m_store, HistoryModel::kSortCap + 50, 1).ok());
        HistoryPage page(m_worker.get());
        page.refresh();
        QTRY_COMPARE(page.model()->rowCount(), HistoryModel::kPage); // paged by time
        page.table()->sortByColumn(HistoryModel::Latency, Qt::DescendingOrder);
        QTRY_VERIFY(!page.model()->isLoading() && page.model()->rowCount() == HistoryModel::kSortCap);
        QVERIFY(page.model()->sortIsPartial());
        QVERIFY(!page.model()->canFetchMore({}));
        for (int r = 1; r < page.model()->rowCount(); ++r)
            QVERIFY(page.model()->row(r - 1)->totalMs >= page.model()->row(r)->totalMs);
        QTRY_VERIFY2(page.countLabel()->text().contains(QStringLiteral("sorted: the newest")), qPrintable(page.countLabel()->text()));
        QVERIFY2(page.countLabel()->text().startsWith(QLocale().toString(HistoryModel::kSortCap + 50) + QStringLiteral(" predictions")), qPrintable(page.countLabel()->text()));
    }

    void historyFiltersApplyAsTheyChange()
    {
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 30 * kMinute;
        for (int i = 0; i < 6; ++i)
            add(t0 + i * 1000, i < 4 ? QStringLiteral("phones") : QStringLiteral("shoes"), 0.8, 50, QStringLiteral("Item %1").arg(i));
        HistoryPage page(m_worker.get());
        page.refresh();
        QTRY_COMPARE(page.model()->rowCount(), 6);
        QTRY_COMPARE(page.countLabel()->text(), QStringLiteral("6 predictions"));

        const int before = page.model()->request();
        page.categoryBox()->setCurrentIndex(page.categoryBox()->findData(QStringLiteral("shoes"))); // no Apply
        QCOMPARE(page.categoryBox()->currentText(), QStringLiteral("Shoes"));
        QTRY_COMPARE(page.model()->rowCount(), 2);
        QVERIFY(page.model()->request() > before);
        QTRY_COMPARE(page.countLabel()->text(), QStringLiteral("2 predictions"));

        // Typing waits for a pause, then applies.
        page.categoryBox()->setCurrentIndex(0);
        QTRY_COMPARE(page.model()->rowCount(), 6);
        const int typed = page.model()->request();
        QTest::keyClicks(page.searchBox(), QStringLiteral("item 3"));
        QCOMPARE(page.model()->request(), typed); // not yet: one query per pause, not per key
        QTRY_COMPARE(page.model()->rowCount(), 1);
        QCOMPARE(page.model()->request(), typed + 1);
        QTRY_COMPARE(page.countLabel()->text(), QStringLiteral("1 prediction"));
        QCOMPARE(page.model()->row(0)->title, QStringLiteral("Item 3"));
    }

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
        QTRY_VERIFY2(summary->text().startsWith(QStringLiteral("1 moderator decisions")), qPrintable(summary->text()));
        quality.findChild<QCheckBox *>(QStringLiteral("includeImports"))->setChecked(true);
        QTRY_COMPARE(quality.matrix()->columnCount(), 2);
        QTRY_VERIFY2(summary->text().startsWith(QStringLiteral("4 decisions (moderators' and imported")), qPrintable(summary->text()));
    }

    void drillDownShowsInTheFilterBarAndExportHasTheDecision()
    {
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 20 * kMinute;
        const qint64 a = add(t0, QStringLiteral("phones"), 0.8, 100, QStringLiteral("Phone"));
        const qint64 b = add(t0 + 1000, QStringLiteral("phones"), 0.6, 200, QStringLiteral("Old laptop"));
        add(t0 + 2000, QStringLiteral("phones"), 0.7, 300, QStringLiteral("Undecided phone"));
        decide(a, QStringLiteral("phones"), QStringLiteral("anna"), QStringLiteral("Black phone, 64 GB"));
        decide(b, QStringLiteral("computers"), QStringLiteral("ben"), QStringLiteral("Dell laptop, 8 GB"));

        HistoryPage history(m_worker.get());
        QualityPage quality(m_worker.get());
        connect(&quality, &QualityPage::pairChosen, &history, &HistoryPage::showPair);
        history.refresh();
        QTRY_COMPARE(history.model()->rowCount(), 3);
        // The final values first, the suggestion beside them.
        const int laptopRow = history.model()->row(1)->id == b ? 1 : -1;
        QCOMPARE(laptopRow, 1);
        auto shown = [&](int column) { return history.model()->data(history.model()->index(1, column), Qt::DisplayRole).toString(); };
        QCOMPARE(shown(HistoryModel::Title), QStringLiteral("Dell laptop, 8 GB · suggested: Old laptop"));
        QVERIFY2(shown(HistoryModel::Category).startsWith(QStringLiteral("Computers · suggested ")), qPrintable(shown(HistoryModel::Category)));
        QVERIFY2(shown(HistoryModel::Price).startsWith(QStringLiteral("EUR 150 · suggested EUR ")), qPrintable(shown(HistoryModel::Price)));
        QCOMPARE(shown(HistoryModel::Feedback), QStringLiteral("corrected by ben"));

        quality.refresh();
        QTRY_COMPARE(quality.matrix()->rowCount(), 2);
        int row = -1, col = -1;
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 2; ++c)
                if (quality.matrix()->item(r, c)->data(Qt::UserRole).toString() == QLatin1String("phones")
                    && quality.matrix()->item(r, c)->data(Qt::UserRole + 1).toString() == QLatin1String("computers")) {
                    row = r;
                    col = c;
                }
        QVERIFY(row >= 0);
        Q_EMIT quality.matrix()->cellDoubleClicked(row, col);
        QTRY_COMPARE(history.model()->rowCount(), 1);
        QCOMPARE(history.model()->row(0)->id, b);
        QCOMPARE(history.confirmedBox()->currentData().toString(), QStringLiteral("computers")); // in the bar, by name
        QCOMPARE(history.confirmedBox()->currentText(), QStringLiteral("Computers"));
        QCOMPARE(history.categoryBox()->currentData().toString(), QStringLiteral("phones"));

        // Export what the bar shows: the decision with who, when and the price basis and range.
        const QString path = m_dir.filePath(QStringLiteral("drill-%1.csv").arg(m_serial));
        QSignalSpy done(&history, &HistoryPage::exportDone);
        history.exportTo(path);
        QTRY_COMPARE(done.count(), 1);
        QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
        const QList<QStringList> csv = readCsvFile(path);
        QCOMPARE(csv.size(), 2);
        const QStringList header = csv[0];
        auto field = [&](const char *name) { return csv[1].value(header.indexOf(QLatin1String(name))); };
        for (const char *column : {"confirmed_title", "confirmed_description", "decided_by", "decided_at", "price_basis", "suggested_price_low",
                                   "suggested_price_high", "decision_source", "confirmed_currency"})
            QVERIFY2(header.contains(QLatin1String(column)), column);
        QCOMPARE(field("confirmed_title"), QStringLiteral("Dell laptop, 8 GB"));
        QCOMPARE(field("confirmed_description"), QStringLiteral("Described by ben"));
        QCOMPARE(field("decided_by"), QStringLiteral("ben"));
        QCOMPARE(field("decided_at"), QDateTime::fromMSecsSinceEpoch(m_decidedMs.value(b), QTimeZone::utc()).toString(Qt::ISODateWithMs));
        QCOMPARE(field("price_basis"), QStringLiteral("category"));
        QCOMPARE(field("suggested_price_low"), QStringLiteral("100"));
        QCOMPARE(field("suggested_price_high"), QStringLiteral("300"));
        QCOMPARE(field("confirmed_category"), QStringLiteral("computers"));
        QCOMPARE(field("suggested_title"), QStringLiteral("Old laptop"));
        QCOMPARE(field("decision_source"), QStringLiteral("moderator"));

        // Cleared in the bar, like any filter.
        history.confirmedBox()->setCurrentIndex(0);
        QTRY_COMPARE(history.model()->rowCount(), 3);
    }

    void undoneDecisionIsNotWhoDecided()
    {
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 10 * kMinute;
        const qint64 id = add(t0, QStringLiteral("phones"), 0.8, 100, QStringLiteral("Phone"));
        decide(id, QStringLiteral("phones"), QStringLiteral("anna"), QStringLiteral("Anna's title"));
        const qint64 second = decide(id, QStringLiteral("computers"), QStringLiteral("ben"), QStringLiteral("Ben's title"));
        QVERIFY(m_store->undoFeedback(second, QStringLiteral("carla")).ok());
        auto rows = readHistory(*m_store, {}, std::nullopt, 10);
        QVERIFY(rows.ok());
        QCOMPARE(rows.value().size(), std::size_t(1));
        QCOMPARE(rows.value()[0].decidedBy, QStringLiteral("anna"));
        QCOMPARE(rows.value()[0].finalTitle, QStringLiteral("Anna's title"));
        auto detail = readDetail(*m_store, id);
        QVERIFY(detail.ok());
        QCOMPARE(detail.value().feedback.size(), 2);
        QVERIFY(detail.value().feedback[1].undoneMs > 0);
        QCOMPARE(detail.value().feedback[1].undoneBy, QStringLiteral("carla"));
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

    // What moderators, models and clients stored is shown as text in the
    // detail: markup escaped, and "%1" in it never substituted again.
    void theDetailShowsStoredTextAsText()
    {
        PredictionRecord rec;
        rec.source = QStringLiteral("gui");
        rec.fileName = QStringLiteral("/photos/lamp.jpg");
        rec.createdMs = QDateTime::currentMSecsSinceEpoch() - 2 * kMinute;
        rec.result = result(QStringLiteral("lamps"), 0.7, 40, QStringLiteral("Lamp"));
        rec.result->model.version = QStringLiteral("<i>2.0</i>");
        auto id = m_store->addPrediction(rec);
        QVERIFY(id.ok());
        FeedbackRecord f{QStringLiteral("Eve <b>%1</b>"), true, QStringLiteral("lamps"), 55, QStringLiteral("EUR"),
                         QStringLiteral("Lamp %2"), QStringLiteral("A lamp"), QDateTime::currentMSecsSinceEpoch() - kMinute};
        QVERIFY(m_store->addFeedback(id.value(), f).ok());

        HistoryPage page(m_worker.get());
        page.refresh();
        QTRY_COMPARE(page.model()->rowCount(), 1);
        page.table()->selectRow(0);
        auto *detail = page.findChild<QTextBrowser *>();
        QVERIFY(detail);
        QTRY_VERIFY(detail->toPlainText().contains(QStringLiteral("Decisions, oldest first")));
        const QString text = detail->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("by Eve <b>%1</b> on")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Model: <i>2.0</i>,")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("“Lamp %2”")), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("Eve <b>55")), qPrintable(text));
    }

    // A non-Time sort asks for 2,001 rows' thumbnails: in chunks, every one found.
    void thumbnailsOfManyRowsAreRead()
    {
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 10 * kMinute;
        QList<qint64> ids;
        for (qint64 i = 1; i <= 2001; ++i)
            ids << -i; // none of these is a prediction
        const qint64 a = add(t0, QStringLiteral("phones"), 0.8, 100, QStringLiteral("First"));
        const qint64 b = add(t0 + 1000, QStringLiteral("phones"), 0.8, 100, QStringLiteral("Second"));
        ids[3] = a;
        ids[1999] = b; // in the fifth chunk
        const auto thumbnails = readThumbnails(*m_store, ids);
        QVERIFY2(thumbnails.ok(), qPrintable(thumbnails.ok() ? QString() : thumbnails.error().message));
        QCOMPARE(thumbnails.value().size(), 2);
        QVERIFY(thumbnails.value().contains(a) && thumbnails.value().contains(b));
    }

    // The export's spreadsheet-formula guard (OWASP's CSV injection list),
    // for every cell a spreadsheet could see, whatever its separator.
    void csvFieldsThatLookLikeFormulasAreQuoted_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("read");
        QTest::newRow("=") << QStringLiteral("=1+1") << QStringLiteral("'=1+1");
        QTest::newRow("@") << QStringLiteral("@SUM(A1)") << QStringLiteral("'@SUM(A1)");
        QTest::newRow("leading tab, then a cell with =") << QStringLiteral("\t=cmd") << QStringLiteral("'\t'=cmd");
        QTest::newRow("after ; (a ;-separated spreadsheet)") << QStringLiteral("phone;=1+1") << QStringLiteral("phone;'=1+1");
        QTest::newRow("after , inside a field") << QStringLiteral("red, =1+1") << QStringLiteral("red,' =1+1");
        QTest::newRow("after a tab") << QStringLiteral("a\t+1") << QStringLiteral("a\t'+1");
        QTest::newRow("after |") << QStringLiteral("a|@x") << QStringLiteral("a|'@x");
        QTest::newRow("after the Arabic semicolon") << QStringLiteral("a\u061B-1") << QStringLiteral("a\u061B'-1");
        QTest::newRow("on the next line") << QStringLiteral("one\n=1+1") << QStringLiteral("one\n'=1+1");
        QTest::newRow("in quotes after ;") << QStringLiteral("x;\"=1\"") << QStringLiteral("x;'\"=1\"");
        QTest::newRow("a minus inside a word") << QStringLiteral("wi-fi; 2-pack") << QStringLiteral("wi-fi; 2-pack");
        QTest::newRow("leading CR") << QStringLiteral("\rcmd") << QStringLiteral("'\rcmd");
        QTest::newRow("blanks, then =") << QStringLiteral("  =HYPERLINK(\"x\")") << QStringLiteral("'  =HYPERLINK(\"x\")");
        QTest::newRow("blanks, then -") << QStringLiteral(" -2+3") << QStringLiteral("' -2+3");
        QTest::newRow("plain") << QStringLiteral("Dell laptop = good") << QStringLiteral("Dell laptop = good");
        QTest::newRow("blanks, then text") << QStringLiteral("  laptop") << QStringLiteral("  laptop");
        QTest::newRow("empty") << QString() << QString();
    }
    void csvFieldsThatLookLikeFormulasAreQuoted()
    {
        QFETCH(QString, field);
        QFETCH(QString, read);
        QByteArray line = csvLine({field, QStringLiteral("next")});
        QBuffer buffer(&line);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        QList<QStringList> rows;
        QVERIFY(readCsv(buffer, [&](int, const QStringList &f) { rows << f; }));
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().value(0), read);
        QCOMPARE(rows.first().value(1), QStringLiteral("next"));
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

    // The flag filter takes moderation flags as well as quality ones, and pages with them.
    void historyFiltersByModerationFlag()
    {
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 30 * kMinute;
        for (int i = 0; i < 9; ++i) {
            PredictionRecord rec;
            rec.source = QStringLiteral("gui");
            rec.fileName = QStringLiteral("/photos/p%1.jpg").arg(i);
            rec.createdMs = t0 + i * 1000;
            rec.result = result(QStringLiteral("phones"), 0.8, 50, QStringLiteral("Item %1").arg(i));
            if (i % 3 == 0)
                rec.result->quality.flags << QStringLiteral("contact_details");
            if (i == 4)
                rec.result->quality.flags << QStringLiteral("blurry") << QStringLiteral("person_in_photo");
            QVERIFY(m_store->addPrediction(rec).ok());
        }
        HistoryPage page(m_worker.get());
        page.refresh();
        QTRY_COMPARE(page.model()->rowCount(), 9);
        auto *flag = page.findChild<QComboBox *>(QStringLiteral("flagFilter"));
        QVERIFY(flag);
        QCOMPARE(flag->itemText(0), QStringLiteral("any flag"));
        for (const char *f : {"contact_details", "stock_photo_text", "person_in_photo", "blurry", "too_dark", "duplicate"})
            QVERIFY2(flag->findData(QString::fromLatin1(f)) > 0, f);
        flag->setCurrentIndex(flag->findData(QStringLiteral("contact_details")));
        QTRY_COMPARE(page.model()->rowCount(), 3);
        for (int r = 0; r < 3; ++r)
            QVERIFY(page.model()->row(r)->flags.contains(QStringLiteral("contact_details")));
        QTRY_COMPARE(page.countLabel()->text(), QStringLiteral("3 predictions"));
        flag->setCurrentIndex(flag->findData(QStringLiteral("person_in_photo")));
        QTRY_COMPARE(page.model()->rowCount(), 1);
        QCOMPARE(page.model()->row(0)->title, QStringLiteral("Item 4"));
        flag->setCurrentIndex(flag->findData(QStringLiteral("stock_photo_text")));
        QTRY_COMPARE(page.model()->rowCount(), 0);
        flag->setCurrentIndex(0);
        QTRY_COMPARE(page.model()->rowCount(), 9);
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
            rec.result = result(QStringLiteral("phones"), 0.8, 50, QStringLiteral("x"));
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

private:
    // The WCAG contrast ratio of two colours (1 to 21).
    static double contrast(const QColor &a, const QColor &b)
    {
        auto luminance = [](const QColor &c) {
            auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
        };
        const double la = luminance(a), lb = luminance(b);
        return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
    }

    qint64 add(qint64 createdMs, const QString &category, double confidence, double price, const QString &title, double waitMs = 0)
    {
        PredictionRecord rec;
        rec.source = QStringLiteral("gui");
        rec.fileName = QStringLiteral("/photos/") + QString(title).replace(QLatin1Char(' '), QLatin1Char('-')) + QStringLiteral(".jpg");
        rec.createdMs = createdMs;
        rec.result = result(category, confidence, price, title, waitMs);
        auto id = m_store->addPrediction(rec);
        if (!id)
            qFatal("addPrediction: %s", qPrintable(id.error().message));
        return id.value();
    }

    qint64 decide(qint64 id, const QString &category, const QString &moderator, const QString &title)
    {
        static qint64 clock = QDateTime::currentMSecsSinceEpoch() - 5 * kMinute;
        clock += 1000;
        FeedbackRecord f{moderator, category != QLatin1String("phones"), category, 150, QStringLiteral("EUR"), title,
                         QStringLiteral("Described by ") + moderator, clock};
        auto done = m_store->addFeedback(id, f);
        if (!done)
            qFatal("addFeedback: %s", qPrintable(done.error().message));
        m_decidedMs.insert(id, clock);
        return done.value();
    }

    static QList<QStringList> readCsvFile(const QString &path)
    {
        QFile f(path);
        QList<QStringList> rows;
        if (f.open(QIODevice::ReadOnly))
            readCsv(f, [&](int, const QStringList &fields) { rows << fields; });
        return rows;
    }

    QTemporaryDir m_dir;
    int m_serial = 0;
    std::shared_ptr<PredictionStore> m_store;
    std::unique_ptr<ConsoleWorker> m_worker;
    QHash<qint64, qint64> m_decidedMs;
};

QTEST_MAIN(TestConsole)
#include "tst_console.moc"
