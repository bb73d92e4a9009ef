// The console's tables at the smallest window it is made for (1024x700) and
// a large one: none scrolls sideways inside itself, and the number a table is
// sorted by (or its figures) are never cut.
#include "fixtures.h"
#include "heads_panel.h"
#include "history_reads.h"
#include "history_model.h"
#include "history_page.h"
#include "main_window.h"
#include "photo_strip.h"
#include "prediction_store.h"
#include "quality_page.h"
#include "window_fixture.h"

#include <QApplication>
#include <QHeaderView>
#include <QScrollBar>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace listinglens;
using namespace listinglens::test;
using namespace listinglens::ui;

namespace {

constexpr int kRows = 12;

// Whether the table's shown columns fit its viewport, said when they do not.
QString sidewaysScroll(const QTableView *table)
{
    int width = 0;
    for (int c = 0; c < table->model()->columnCount(); ++c)
        width += table->isColumnHidden(c) ? 0 : table->columnWidth(c);
    if (table->horizontalScrollBar()->isVisible() || width > table->viewport()->width())
        return QStringLiteral("%1 scrolls sideways: its columns take %2 px of %3").arg(table->objectName()).arg(width).arg(table->viewport()->width());
    return {};
}

// Whether `text` is shown whole in column `column` of the table.
bool shownWhole(const QTableView *table, int column, const QString &text)
{
    return table->fontMetrics().horizontalAdvance(text) + 8 <= table->columnWidth(column);
}

} // namespace

class TestConsoleFit : public QObject, public test::WindowTest {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpWindowTests(QStringLiteral("tst_console_fit")); }
    void init()
    {
        QVERIFY(openOwnWindow());
        seed();
    }
    void cleanup() { closeWindow(); }

    // History sorted by each of its numbers: the table fits its width (the
    // narrow columns wrap, the full text is in their tooltips) and the column
    // sorted by shows its number whole: the final price before the suggestion
    // beside it, each word of the time.
    void historySortedByANumberShowsItWhole_data()
    {
        QTest::addColumn<QSize>("window");
        QTest::addColumn<int>("column");
        for (const QSize size : {QSize(1024, 700), QSize(1600, 1000)}) {
            const QByteArray at = QByteArray::number(size.width()) + 'x' + QByteArray::number(size.height());
            QTest::newRow(at + " time") << size << int(HistoryModel::Time);
            QTest::newRow(at + " confidence") << size << int(HistoryModel::Confidence);
            QTest::newRow(at + " price") << size << int(HistoryModel::Price);
            QTest::newRow(at + " latency") << size << int(HistoryModel::Latency);
        }
    }
    void historySortedByANumberShowsItWhole()
    {
        QFETCH(QSize, window);
        QFETCH(int, column);
        m_window->resize(window);
        HistoryPage *history = m_window->historyPage();
        m_window->showPage(1);
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), kRows, 20000);
        QTableView *table = history->table();
        table->setObjectName(QStringLiteral("history"));
        table->sortByColumn(column, Qt::AscendingOrder);
        QTRY_VERIFY_WITH_TIMEOUT(history->model()->sortColumn() == column && !history->model()->isLoading()
                                     && history->model()->rowCount() == kRows, 20000);
        QTRY_VERIFY2(sidewaysScroll(table).isEmpty(), qPrintable(sidewaysScroll(table)));
        QVERIFY(!table->isColumnHidden(column));
        for (int c : {HistoryModel::Photo, HistoryModel::Time, HistoryModel::Category, HistoryModel::Confidence, HistoryModel::Price,
                      HistoryModel::Title, HistoryModel::Feedback})
            QVERIFY2(!table->isColumnHidden(c), qPrintable(QStringLiteral("column %1 is folded away").arg(c)));
        for (int r = 0; r < kRows; ++r) {
            const QString text = history->model()->index(r, column).data().toString();
            QStringList parts = {text};
            if (column == HistoryModel::Price)
                parts = {text.section(QStringLiteral(" · "), 0, 0)};
            else if (column == HistoryModel::Time)
                parts = text.split(QLatin1Char(' '));
            for (const QString &part : std::as_const(parts))
                QVERIFY2(shownWhole(table, column, part),
                         qPrintable(QStringLiteral("\"%1\" in %2 px").arg(part).arg(table->columnWidth(column))));
        }
        if (window.width() >= 1600) { // room for every column
            for (int c = 0; c < HistoryModel::ColumnCount; ++c)
                QVERIFY2(!table->isColumnHidden(c), qPrintable(QStringLiteral("column %1 is folded away").arg(c)));
        }
    }

    // The Quality page's tables fit their width, their figures whole.
    void qualityTablesFitWithTheirFiguresWhole_data()
    {
        QTest::addColumn<QSize>("window");
        QTest::newRow("1024x700") << QSize(1024, 700);
        QTest::newRow("1600x1000") << QSize(1600, 1000);
    }
    void qualityTablesFitWithTheirFiguresWhole()
    {
        QFETCH(QSize, window);
        m_window->resize(window);
        QualityPage *quality = m_window->qualityPage();
        m_window->showPage(2);
        QTRY_VERIFY_WITH_TIMEOUT(quality->perHead()->rowCount() >= 1 && quality->matrix()->rowCount() >= 3, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(quality->heads()->table()->rowCount() >= 1, 20000);
        QApplication::processEvents();
        const QList<std::pair<QTableWidget *, int>> tables = {{quality->matrix(), 0}, {quality->perHead(), 1},
                                                               {quality->heads()->table(), 2},
                                                               {quality->findChild<QTableWidget *>(QStringLiteral("acceptance")), 1}};
        for (const auto &[table, firstFigure] : tables) {
            QVERIFY(table);
            QTRY_VERIFY2(sidewaysScroll(table).isEmpty(), qPrintable(sidewaysScroll(table)));
            for (int r = 0; r < table->rowCount(); ++r)
                for (int c = firstFigure; c < table->columnCount(); ++c)
                    if (const QTableWidgetItem *item = table->item(r, c))
                        QVERIFY2(shownWhole(table, c, item->text()),
                                 qPrintable(QStringLiteral("%1: \"%2\" in %3 px").arg(table->objectName(), item->text()).arg(table->columnWidth(c))));
        }
    }

    // The strip's summary line keeps the confidence (what least-confident-first
    // sorts by) or the price whole; the category name gives up its room first.
    void theStripKeepsTheNumberWhole_data()
    {
        QTest::addColumn<QString>("summary");
        QTest::addColumn<int>("room");
        QTest::addColumn<QString>("kept");
        QTest::newRow("room for all") << QStringLiteral("Cameras & optics · 42%") << 400 << QStringLiteral("Cameras & optics · 42%");
        QTest::newRow("category cut") << QStringLiteral("Cameras & optics accessories · 42%") << 120 << QStringLiteral(" · 42%");
        QTest::newRow("price") << QStringLiteral("Cameras & optics accessories · EUR 1,250") << 140 << QStringLiteral(" · EUR 1,250");
        QTest::newRow("only the number") << QStringLiteral("Cameras & optics · 42%") << 40 << QStringLiteral("42%");
    }
    void theStripKeepsTheNumberWhole()
    {
        QFETCH(QString, summary);
        QFETCH(int, room);
        QFETCH(QString, kept);
        const QFontMetrics metrics(QApplication::font());
        const QString shown = PhotoStripDelegate::fittedSummary(summary, metrics, room);
        QVERIFY2(shown.endsWith(kept), qPrintable(shown));
        QVERIFY2(metrics.horizontalAdvance(shown) <= room || shown == kept, qPrintable(shown));
        if (kept != summary)
            QVERIFY2(shown.contains(QStringLiteral("…")) || shown == kept, qPrintable(shown));
    }

private:
    // Predictions with long names, big prices and slow timings; most decided.
    // Once per test function: its rows share the database.
    void seed()
    {
        auto store = PredictionStore::open(m_dbUrl);
        QVERIFY(store.ok());
        if (!readHistory(*store.value(), {}, std::nullopt, 1).value().empty())
            return;
        const QStringList categories = {QStringLiteral("cameras"), QStringLiteral("motorcycles"), QStringLiteral("pets")};
        for (int i = 0; i < kRows; ++i) {
            PhotoResult r;
            const QString category = categories[i % 3];
            r.category = {category, category, i == 0 ? 1.0 : 0.05 + 0.08 * i};
            r.price = {QStringLiteral("EUR"), 100, 12500.5 + i, 99999, PriceBasis::Prior};
            r.title = QStringLiteral("Brown motorcycle or scooter with a long listing title %1").arg(i);
            r.timing.total = 1234.0 * (i + 1);
            r.model = {QStringLiteral("mobilenet_v2_imagenet"), QStringLiteral("1.0.0"), QStringLiteral("cpu"), 0};
            PredictionRecord rec;
            rec.fileName = QStringLiteral("a_rather_long_photo_file_name_%1.jpg").arg(i);
            rec.result = r;
            const auto id = store.value()->addPrediction(rec);
            QVERIFY(id.ok());
            if (i % 4 == 3)
                continue;
            QVERIFY(store.value()->addFeedback(id.value(), {QStringLiteral("a moderator with a long name"), i % 2 == 1, categories[(i + i % 2) % 3],
                                                            99999.99 - i, QStringLiteral("EUR"), r.title, {}, 0}).ok());
        }
    }
};

QTEST_MAIN(TestConsoleFit)
#include "tst_console_fit.moc"
