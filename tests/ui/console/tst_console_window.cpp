// The console pages inside the real window: history filters, export and the
// quality drill-down, filters by review and head, and category heads
// activated, rolled back and refused to a read-only role from the Quality page.
#include "classification_worker.h"
#include "console_worker.h"
#include "fixtures.h"
#include "head_store.h"
#include "heads_panel.h"
#include "history_model.h"
#include "history_page.h"
#include "main_window.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "prediction_store.h"
#include "quality_page.h"
#include "reliability_chart.h"
#include "session.h"
#include "throughput_page.h"
#include "window_fixture.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>

using namespace listinglens;
using namespace listinglens::test;
using namespace listinglens::ui;

class TestConsoleWindow : public QObject, public test::WindowTest {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpWindowTests(QStringLiteral("tst_console_window")); }
    void init() { QVERIFY(openOwnWindow()); }
    void cleanup() { closeWindow(); }

    // At 1024x700, the smallest window the console is made for, no page
    // scrolls sideways: each fits the width of its scroll area, and History's
    // actions, its count and its detail pane are in view.
    void consolePagesFitA1024By700Window()
    {
        m_window->resize(1024, 700);
        QWidget *pages[] = {m_window->historyPage(), m_window->qualityPage(), m_window->throughputPage()};
        for (int page = 1; page <= 3; ++page) {
            m_window->showPage(page);
            QWidget *content = pages[page - 1];
            auto *scroll = qobject_cast<QScrollArea *>(content->parentWidget()->parentWidget());
            QVERIFY(scroll);
            QTRY_VERIFY(content->isVisible());
            QApplication::processEvents();
            const int room = scroll->viewport()->width();
            QVERIFY2(content->minimumSizeHint().width() <= room,
                     qPrintable(QStringLiteral("page %1 needs %2 px, has %3").arg(page).arg(content->minimumSizeHint().width()).arg(room)));
            QVERIFY2(!scroll->horizontalScrollBar()->isVisible(), qPrintable(QStringLiteral("page %1 scrolls sideways").arg(page)));
            QCOMPARE(content->width(), room);
        }
        m_window->showPage(1);
        HistoryPage *history = m_window->historyPage();
        QApplication::processEvents();
        const QRect visible = history->rect();
        for (QWidget *w : history->findChildren<QWidget *>()) {
            const bool wanted = qobject_cast<QPushButton *>(w) || qobject_cast<QTextBrowser *>(w)
                                || w->objectName() == QLatin1String("historyCount");
            if (!wanted || !w->isVisibleTo(history))
                continue;
            const QRect at(w->mapTo(history, QPoint(0, 0)), w->size());
            QVERIFY2(visible.contains(at), qPrintable(QStringLiteral("%1 \"%2\" at %3,%4 %5x%6 is outside %7 px")
                                                          .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName())
                                                          .arg(at.x()).arg(at.y()).arg(at.width()).arg(at.height()).arg(visible.width())));
        }
    }

    void historyFiltersExportAndQuality()
    {
        m_window->addPaths({photo("toaster.jpg"), photo("sports_car.jpg"), photo("teddy.jpg"), photo("laptop.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 4, 60000);
        QTRY_VERIFY(m_window->photos()->item(3)->predictionId > 0);
        m_window->strip()->setCurrentIndex(m_window->photos()->index(0));
        QTest::keyClick(m_window.get(), Qt::Key_Return); // toaster accepted
        QTest::keyClick(m_window.get(), Qt::Key_Return); // sports car accepted
        QTest::keyClick(m_window.get(), Qt::Key_2);      // teddy corrected to its second category
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        // The store thread writes decisions after the window shows them, and
        // History reads what is stored: wait for the three before filtering by them.
        for (const auto &[row, decision] : {std::pair{0, "accepted"}, {1, "accepted"}, {2, "corrected"}})
            QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(m_window->photos()->item(row)->predictionId), QString::fromLatin1(decision), 20000);

        HistoryPage *history = m_window->historyPage();
        m_window->showPage(1);
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 4, 20000);

        history->categoryBox()->setCurrentIndex(history->categoryBox()->findData(QStringLiteral("cars")));
        history->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 1, 20000);
        QCOMPARE(history->model()->row(0)->title, QStringLiteral("Sports car"));

        history->categoryBox()->setCurrentIndex(0);
        history->searchBox()->setText(QStringLiteral("toaster"));
        QTest::keyClick(history->searchBox(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 1, 20000);
        // Enter in the search box searched; it did not accept a workbench photo behind the page.
        QCOMPARE(m_window->photos()->decisions().size(), 3);
        history->searchBox()->clear();
        history->feedbackBox()->setCurrentIndex(history->feedbackBox()->findData(QStringLiteral("accepted")));
        history->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 2, 20000);
        const qint64 newestFirst = history->model()->row(0)->id;
        QTest::mouseClick(history->table()->horizontalHeader()->viewport(), Qt::LeftButton, {},
                          QPoint(history->table()->horizontalHeader()->sectionViewportPosition(HistoryModel::Time) + 10, 5));
        QTRY_VERIFY_WITH_TIMEOUT(history->model()->rowCount() == 2 && history->model()->row(0)->id != newestFirst, 20000);
        QVERIFY(history->model()->row(0)->id < history->model()->row(1)->id); // oldest first now

        // Export what the filter shows.
        const QString csv = m_dir.filePath(QStringLiteral("export.csv"));
        QSignalSpy done(history, &HistoryPage::exportDone);
        history->exportTo(csv);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QVERIFY(done.first().at(0).toBool());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QVERIFY2(lines.size() == 3, f.fileName().toUtf8() + ":\n" + lines.join("\n")); // header + the two accepted
        QVERIFY(lines[0].startsWith("id,created_at,source,file"));
        QVERIFY(lines[1].contains(",accepted,") && lines[2].contains(",accepted,"));

        // Quality: the corrected teddy shows off the diagonal; a double click lists its rows.
        QualityPage *quality = m_window->qualityPage();
        m_window->showPage(2);
        QTRY_VERIFY_WITH_TIMEOUT(quality->matrix()->rowCount() >= 3, 20000);
        int row = -1, col = -1;
        for (int r = 0; r < quality->matrix()->rowCount(); ++r)
            for (int c = 0; c < quality->matrix()->columnCount(); ++c)
                if (quality->matrix()->item(r, c)->data(Qt::UserRole).toString() == QLatin1String("kids-toys") // suggested id
                    && quality->matrix()->item(r, c)->data(Qt::UserRole + 1).toString() != QLatin1String("kids-toys")
                    && !quality->matrix()->item(r, c)->text().isEmpty()) {
                    row = r;
                    col = c;
                }
        QVERIFY(row >= 0);
        Q_EMIT quality->matrix()->cellDoubleClicked(row, col);
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 1, 20000);
        QCOMPARE(history->model()->row(0)->categoryId, QStringLiteral("kids-toys"));
    }

    // The Quality page lists the market's category heads with their validation
    // figures and which one is active; Activate and Roll back change the
    // database's active head (on the console thread) and the table follows.
    // Beside them, the decisions per head and the calibration they add up to.
    void qualityPageActivatesAndRollsBackHeads()
    {
        const auto makeHead = [](double top1) {
            CategoryHead h;
            h.modelName = QStringLiteral("mobilenet_v2_imagenet");
            h.modelVersion = QStringLiteral("1.0.0");
            h.taxonomyFingerprint = QStringLiteral("another market"); // the classifier refuses it and keeps the built-in mapping
            h.categoryIds = {QStringLiteral("phones"), QStringLiteral("cars")};
            h.dimension = 2;
            h.weight = {1, 0, 0, 1};
            h.bias = {0, 0};
            h.report = QJsonObject{{QStringLiteral("examples"), 120},
                                   {QStringLiteral("validation"), QJsonObject{{QStringLiteral("n"), 30}, {QStringLiteral("top1"), top1},
                                                                              {QStringLiteral("top3"), 0.9}, {QStringLiteral("ece"), 0.05}}}};
            return h;
        };
        qint64 first = 0, second = 0;
        {
            auto store = PredictionStore::open(m_dbUrl);
            QVERIFY(store.ok());
            first = saveHead(*store.value(), makeHead(0.61)).value();
            second = saveHead(*store.value(), makeHead(0.72)).value();
            // Two decisions: on a suggestion of h1 (confirmed) and of the built-in mapping (corrected).
            for (const qint64 head : {first, qint64(0)}) {
                PhotoResult r;
                r.category = {QStringLiteral("phones"), QStringLiteral("Phones"), head ? 0.85 : 0.35};
                r.model = {QStringLiteral("mobilenet_v2_imagenet"), QStringLiteral("1.0.0"), QStringLiteral("cpu"), head};
                PredictionRecord rec;
                rec.fileName = QStringLiteral("p%1.jpg").arg(head);
                rec.result = r;
                const auto id = store.value()->addPrediction(rec);
                QVERIFY(id.ok());
                QVERIFY(store.value()->addFeedback(id.value(), {QStringLiteral("m"), head == 0, head ? QStringLiteral("phones") : QStringLiteral("cars"),
                                                                10, QStringLiteral("EUR"), {}, {}, 0}).ok());
            }
        }
        const auto activeInDatabase = [this] {
            auto store = PredictionStore::open(m_dbUrl);
            return store.ok() ? activeHead(*store.value()).value().version : qint64(-1);
        };

        QualityPage *quality = m_window->qualityPage();
        HeadsPanel *heads = quality->heads();
        QTableWidget *table = heads->table();
        const int activeColumn = table->columnCount() - 1;
        const auto rowOf = [table](const QString &label) {
            for (int r = 0; r < table->rowCount(); ++r)
                if (table->item(r, 0) && table->item(r, 0)->text() == label)
                    return r;
            return -1;
        };
        const auto isActive = [&](const QString &label) {
            const int r = rowOf(label);
            return r >= 0 && table->item(r, activeColumn)->text() == QStringLiteral("active");
        };
        m_window->showPage(2);
        QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 3, 20000); // h2, h1, the built-in mapping
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("h%1").arg(second));
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("h%1").arg(first));
        QCOMPARE(table->item(0, 3)->text(), QStringLiteral("72.0 %"));
        QCOMPARE(table->item(1, 2)->text(), QStringLiteral("120"));
        QVERIFY(isActive(QStringLiteral("built-in mapping")));
        QVERIFY(!isActive(QStringLiteral("h%1").arg(first)));

        // Decisions per head, and their calibration.
        QTableWidget *perHead = quality->perHead();
        QTRY_COMPARE_WITH_TIMEOUT(perHead->rowCount(), 2, 20000);
        QCOMPARE(perHead->item(0, 0)->text(), QStringLiteral("built-in mapping"));
        QCOMPARE(perHead->item(0, 2)->text(), QStringLiteral("0.0 %"));
        QCOMPARE(perHead->item(1, 0)->text(), QStringLiteral("h%1").arg(first));
        QCOMPARE(perHead->item(1, 2)->text(), QStringLiteral("100.0 %"));
        QCOMPARE(quality->reliability()->points(), (QList<QPointF>{QPointF(0.35, 0), QPointF(0.85, 1)}));
        QVERIFY2(quality->reliability()->title().contains(QStringLiteral("ECE 0.250")), qPrintable(quality->reliability()->title()));
        QVERIFY(quality->reliability()->binToolTip(1).contains(QStringLiteral("80–90 %: 1 decision")));

        // Activate h1: the button, then the database and the table say so.
        table->selectRow(rowOf(QStringLiteral("h%1").arg(first)));
        QTRY_VERIFY(heads->activateButton()->isEnabled());
        QTest::mouseClick(heads->activateButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(isActive(QStringLiteral("h%1").arg(first)), 20000);
        QVERIFY(!isActive(QStringLiteral("built-in mapping")));
        QCOMPARE(activeInDatabase(), first);
        QVERIFY2(heads->message().contains(QStringLiteral("h%1 is now the active head").arg(first)), qPrintable(heads->message()));
        QVERIFY(!heads->activateButton()->isEnabled()); // it is the active one now

        // Then h2, and Roll back returns to h1.
        table->selectRow(rowOf(QStringLiteral("h%1").arg(second)));
        QTRY_VERIFY(heads->activateButton()->isEnabled());
        QTest::mouseClick(heads->activateButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(isActive(QStringLiteral("h%1").arg(second)), 20000);
        QCOMPARE(activeInDatabase(), second);
        QTRY_VERIFY(heads->rollbackButton()->isEnabled());
        QTest::mouseClick(heads->rollbackButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(isActive(QStringLiteral("h%1").arg(first)), 20000);
        QVERIFY(!isActive(QStringLiteral("h%1").arg(second)));
        QCOMPARE(activeInDatabase(), first);
        QVERIFY2(heads->message().contains(QStringLiteral("rolled back: h%1").arg(first)), qPrintable(heads->message()));

        // And the built-in mapping can be made the active one again.
        table->selectRow(rowOf(QStringLiteral("built-in mapping")));
        QTRY_VERIFY(heads->activateButton()->isEnabled());
        QTest::mouseClick(heads->activateButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(isActive(QStringLiteral("built-in mapping")), 20000);
        QCOMPARE(activeInDatabase(), 0);
    }

    // The history's "needs review" box and head field narrow the rows as the
    // store tests say they should: from the page's widgets.
    void historyFiltersByReviewAndHead()
    {
        {
            auto store = PredictionStore::open(m_dbUrl);
            QVERIFY(store.ok());
            const struct {
                qint64 head;
                const char *reason;
            } rows[] = {{0, "unsure_category"}, {0, nullptr}, {2, "duplicate"}, {2, nullptr}, {5, nullptr}};
            for (const auto &row : rows) {
                PhotoResult r;
                r.category = {QStringLiteral("phones"), QStringLiteral("Phones"), 0.5};
                r.model.head = row.head;
                if (row.reason)
                    r.review = {true, {QString::fromLatin1(row.reason)}};
                PredictionRecord rec;
                rec.fileName = QStringLiteral("h%1-%2.jpg").arg(row.head).arg(row.reason ? row.reason : "ok");
                rec.result = r;
                QVERIFY(store.value()->addPrediction(rec).ok());
            }
        }
        HistoryPage *history = m_window->historyPage();
        m_window->showPage(1);
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 5, 20000);
        history->needsReviewBox()->setChecked(true);
        history->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 2, 20000);
        QVERIFY(history->model()->data(history->model()->index(0, HistoryModel::Flags), Qt::DisplayRole).toString().startsWith(QStringLiteral("review: ")));
        QTest::keyClicks(history->headBox(), QStringLiteral("h2"));
        history->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 1, 20000);
        QCOMPARE(history->model()->row(0)->fileName, QStringLiteral("h2-duplicate.jpg"));
        history->needsReviewBox()->setChecked(false);
        history->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 2, 20000);
        history->headBox()->clear();
        QTest::keyClicks(history->headBox(), QStringLiteral("builtin; DROP")); // the field takes what the filter does
        QCOMPARE(history->headBox()->text(), QStringLiteral("builtin"));
        history->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 2, 20000);
        for (int r = 0; r < 2; ++r)
            QCOMPARE(history->model()->row(r)->headVersion, 0);
    }

    // A role that may not write heads sees the heads, is told why it may not
    // change them, and its buttons stay disabled; asked anyway, the console
    // thread refuses before writing.
    void qualityPageRefusesHeadChangesToAReadOnlyRole()
    {
        LISTINGLENS_REQUIRE_POSTGRES();
        m_window.reset();
        const QString url = test::freshPostgresDatabase(QStringLiteral("listinglens_heads_gui"));
        {
            auto owner = PredictionStore::open(url, /*migrate=*/true);
            QVERIFY(owner.ok());
            CategoryHead h;
            h.modelName = QStringLiteral("mobilenet_v2_imagenet");
            h.modelVersion = QStringLiteral("1.0.0");
            h.taxonomyFingerprint = QStringLiteral("another market");
            h.categoryIds = {QStringLiteral("phones"), QStringLiteral("cars")};
            h.dimension = 1;
            h.weight = {1, -1};
            h.bias = {0, 0};
            const auto saved = saveHead(*owner.value(), h);
            QVERIFY2(saved.ok(), qPrintable(saved.ok() ? QString() : saved.error().message));
        }
        for (const char *sql : {"DROP ROLE IF EXISTS listinglens_head_viewer", "CREATE ROLE listinglens_head_viewer LOGIN PASSWORD 'viewer-secret'",
                                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO listinglens_head_viewer"})
            test::postgresScalar(url, QString::fromLatin1(sql));
        const DatabaseUrl u = DatabaseUrl::parse(url).value();
        qputenv("LISTINGLENS_DB", QStringLiteral("postgresql://listinglens_head_viewer:viewer-secret@%1:%2/%3")
                                      .arg(u.host).arg(u.port).arg(u.database).toUtf8());
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isModelReady(), 60000);

        HeadsPanel *heads = m_window->qualityPage()->heads();
        m_window->showPage(2);
        QTRY_COMPARE_WITH_TIMEOUT(heads->table()->rowCount(), 2, 20000); // h1 and the built-in mapping
        QTRY_VERIFY_WITH_TIMEOUT(heads->message().contains(QStringLiteral("may not write heads")), 20000);
        heads->table()->selectRow(0);
        QVERIFY(!heads->activateButton()->isEnabled());
        QVERIFY(!heads->rollbackButton()->isEnabled());
        QSignalSpy answered(m_window->session()->console(), &ConsoleWorker::headChanged);
        heads->activateSelected();
        QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 1, 20000);
        QCoreApplication::processEvents(); // the panel's copy of the answer, posted before the spy counted it
        heads->rollBack();
        QTRY_COMPARE_WITH_TIMEOUT(answered.count(), 2, 20000);
        for (const QList<QVariant> &answer : std::as_const(answered)) {
            QVERIFY(!answer.at(1).toBool());
            QVERIFY2(answer.at(2).toString().contains(QStringLiteral("may not write heads")), qPrintable(answer.at(2).toString()));
        }
        m_window.reset();
        QCOMPARE(test::postgresScalar(url, QStringLiteral("SELECT COUNT(*) FROM head_activations")), 0);
        for (const char *sql : {"DROP OWNED BY listinglens_head_viewer", "DROP ROLE listinglens_head_viewer"})
            test::postgresScalar(url, QString::fromLatin1(sql));
    }
};

QTEST_MAIN(TestConsoleWindow)
#include "tst_console_window.moc"
