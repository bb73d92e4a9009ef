// The data console's History page against a database filled through the
// store's own write API: sorting, filters, the drill-down from a chart, the
// detail, thumbnails and the CSV export. Each test runs on SQLite, and on
// PostgreSQL when scripts/with-postgres.sh gives one.
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

class TestConsoleHistory : public ConsoleFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data() { driverRows(); }
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void init() { setUpTest(); }
    void cleanup() { tearDown(); }

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

    // What moderators, models and clients stored is shown as text in the
    // detail: markup escaped, and "%1" in it never substituted again.
    void theDetailShowsStoredTextAsText()
    {
        PredictionRecord rec;
        rec.source = QStringLiteral("gui");
        rec.fileName = QStringLiteral("/photos/lamp.jpg");
        rec.createdMs = QDateTime::currentMSecsSinceEpoch() - 2 * kMinute;
        rec.result = consoleResult(QStringLiteral("lamps"), 0.7, 40, QStringLiteral("Lamp"));
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

    // A row read while the moderation lane still held its photo gets the
    // photo once the lane stores it, with the page left open; a flag that is
    // also the reason for review is said once.
    void aPhotoStoredAfterItsRowWasReadAppears()
    {
        PredictionRecord rec;
        rec.source = QStringLiteral("gui");
        rec.fileName = QStringLiteral("/photos/sofa.jpg");
        rec.createdMs = QDateTime::currentMSecsSinceEpoch() - kMinute;
        rec.result = consoleResult(QStringLiteral("furniture"), 0.7, 120, QStringLiteral("Sofa"));
        rec.result->quality.flags << QStringLiteral("duplicate");
        rec.result->review = {true, {QStringLiteral("duplicate")}};
        auto id = m_store->addPrediction(rec);
        QVERIFY(id.ok());

        HistoryPage page(m_worker.get());
        page.show();
        page.refresh();
        QTRY_COMPARE(page.model()->rowCount(), 1);
        const QModelIndex photo = page.model()->index(0, HistoryModel::Photo);
        QVERIFY(photo.data(Qt::DecorationRole).value<QImage>().isNull());
        QVERIFY(!photo.data(Qt::ToolTipRole).toString().isEmpty());
        QCOMPARE(page.model()->index(0, HistoryModel::Flags).data().toString(), QStringLiteral("review: duplicate"));

        QImage image(160, 120, QImage::Format_RGB32);
        image.fill(Qt::darkCyan);
        QBuffer jpeg;
        QVERIFY(jpeg.open(QIODevice::WriteOnly) && image.save(&jpeg, "JPG"));
        PhotoResult moderated = *rec.result;
        moderated.thumbnail = jpeg.data();
        QVERIFY(m_store->completeModeration(id.value(), moderated).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!photo.data(Qt::DecorationRole).value<QImage>().isNull(), 10000);
        QCOMPARE(photo.data(Qt::DecorationRole).value<QImage>().width(), ConsoleWorker::kThumbnail.width());
        QVERIFY(!photo.data(Qt::ToolTipRole).isValid());
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

    // The flag filter takes moderation flags as well as quality ones, and pages with them.
    void historyFiltersByModerationFlag()
    {
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - 30 * kMinute;
        for (int i = 0; i < 9; ++i) {
            PredictionRecord rec;
            rec.source = QStringLiteral("gui");
            rec.fileName = QStringLiteral("/photos/p%1.jpg").arg(i);
            rec.createdMs = t0 + i * 1000;
            rec.result = consoleResult(QStringLiteral("phones"), 0.8, 50, QStringLiteral("Item %1").arg(i));
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
};

QTEST_MAIN(TestConsoleHistory)
#include "tst_console_history.moc"
