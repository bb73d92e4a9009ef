// Drives the real workbench window (offscreen platform) through its widgets,
// as a moderator would. One test class of one thing, the window, past 500
// lines because each test is a moderator's task end to end.
#include "classifier.h"
#include "console_worker.h"
#include "fixtures.h"
#include "window_fixture.h"
#include "head_store.h"
#include "heads_panel.h"
#include "history_model.h"
#include "history_page.h"
#include "history_reads.h"
#include "listing_index.h"
#include "main_window.h"
#include "moderation_box.h"
#include "moderation_overlay.h"
#include "password_keyring.h"
#include "photo_files.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "prediction_store.h"
#include "price_text.h"
#include "quality_page.h"
#include "reliability_chart.h"
#include "result_panel.h"
#include "session.h"
#include "classification_worker.h"
#include "settings_dialog.h"
#include "store_worker.h"
#include "workbench_settings.h"

#include <QAction>
#include <QApplication>
#include <QMessageBox>
#include <QMimeData>
#include <QTimer>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QFileDialog>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStatusBar>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSettings>
#include <QHeaderView>
#include <QPushButton>
#include <QTableView>
#include <QSignalSpy>
#include <QTableWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace listinglens;
using namespace listinglens::ui;

namespace {

QString photo(const char *name)
{
    return test::samplePhotosDir() + QLatin1Char('/') + QLatin1String(name);
}

// As the result panel writes a price.
QString money(const QString &currency, double v)
{
    return formatPrice(currency, v);
}

QStringList namesInStrip(const PhotoListModel *photos)
{
    QStringList names;
    for (int r = 0; r < photos->rowCount(); ++r)
        names << photos->item(r)->name;
    return names;
}

// Pixels of exactly that colour in the rectangle.
int pixelsOf(const QImage &image, const QRect &rect, const QColor &colour)
{
    int n = 0;
    const QRect r = rect.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x)
            n += image.pixelColor(x, y).rgb() == colour.rgb();
    return n;
}

void drop(QWidget *target, const QStringList &files)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString &f : files)
        urls << QUrl::fromLocalFile(f);
    mime.setUrls(urls);
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent dropEvent(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &dropEvent);
}

} // namespace

class TestWorkbench : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        test::isolateSettings(QStringLiteral("tst_workbench"));
        qRegisterMetaType<listinglens::PhotoResult>();
        QVERIFY(m_dir.isValid());
    }

    void init()
    {
        // A database of its own for every test: what it stores can be checked.
        m_dbUrl = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction())));
        m_window = test::openWindow(m_dbUrl);
        QVERIFY(m_window);
    }

    void cleanup() { m_window.reset(); }

    void droppingThreePhotosGivesThreeResults()
    {
        drop(m_window.get(), {photo("toaster.jpg"), photo("sports_car.jpg"), photo("teddy.jpg")});
        PhotoListModel *photos = m_window->photos();
        QTRY_COMPARE_WITH_TIMEOUT(photos->count(PhotoState::Done), 3, 60000);
        QCOMPARE(photos->rowCount(), 3);
        const QStringList expected = {QStringLiteral("Appliances"), QStringLiteral("Cars & vans"), QStringLiteral("Kids & toys")};
        for (int r = 0; r < 3; ++r) {
            QCOMPARE(photos->data(photos->index(r), PhotoListModel::CategoryRole).toString(), expected[r]);
            QVERIFY(!photos->item(r)->preview.isNull());
            QVERIFY(!photos->item(r)->thumbnail.isNull());
        }
        // The first result is shown without the moderator having to click.
        QCOMPARE(m_window->resultPanel()->shownId(), photos->item(0)->id);
    }

    void aCorruptFileFailsAloneAndSaysWhatToDo()
    {
        const QString broken = m_dir.filePath(QStringLiteral("broken.jpg"));
        QVERIFY(test::writeFile(broken, QByteArray("\xFF\xD8\xFF\xE0 cut", 9)));
        m_window->addPaths({photo("laptop.jpg"), broken, photo("moped.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy() && m_window->photos()->rowCount() == 3, 60000);
        const PhotoListModel *photos = m_window->photos();
        QCOMPARE(photos->item(0)->state, PhotoState::Done);
        QCOMPARE(photos->item(1)->state, PhotoState::Failed);
        QCOMPARE(photos->item(1)->errorCode, QStringLiteral("corrupt"));
        QVERIFY(!photos->item(1)->errorAdvice.isEmpty());
        QCOMPARE(photos->item(2)->state, PhotoState::Done);
    }

    void cancellingStopsTheBatch()
    {
        QStringList many;
        const QStringList samples = findPhotos(test::samplePhotosDir());
        for (int i = 0; i < 300; ++i)
            many << samples[i % samples.size()];
        m_window->addPaths(many);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done) >= 3, 60000);
        QVERIFY(m_window->cancelButton()->isVisible());
        QTest::mouseClick(m_window->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy(), 60000);
        const PhotoListModel *photos = m_window->photos();
        const int done = photos->count(PhotoState::Done), cancelled = photos->count(PhotoState::Cancelled);
        QVERIFY2(cancelled > 100, qPrintable(QStringLiteral("%1 done, %2 cancelled").arg(done).arg(cancelled)));
        QCOMPARE(done + cancelled, 300);
        QCOMPARE(photos->count(PhotoState::Queued) + photos->count(PhotoState::Working), 0);
    }

    void acceptWithAnotherCategoryRecordsACorrection()
    {
        m_window->addPaths({photo("sunglasses.jpg"), photo("wardrobe.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 2, 60000);
        m_window->strip()->setCurrentIndex(m_window->photos()->index(0));
        const PhotoItem first = *m_window->photos()->item(0);

        QTest::keyClick(m_window.get(), Qt::Key_2);          // the second suggested category
        QCOMPARE(m_window->resultPanel()->selectedChoice(), 1);
        QTest::keyClick(m_window.get(), Qt::Key_Return);     // Accept
        const Decision d = m_window->photos()->item(0)->decision;
        QVERIFY(d.made);
        QVERIFY(d.corrected);
        QCOMPARE(d.categoryId, first.result.categories[1].id);
        // Accepted before the suggestion was redone for that category: stored with its price once it is.
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->photos()->item(0)->decisionWaits, 20000);
        QCOMPARE(m_window->photos()->item(0)->decision.price, m_window->photos()->item(0)->described->price.point);

        // Accept moved on to the next photo; accepting it unchanged is not a correction.
        QCOMPARE(m_window->strip()->currentIndex().row(), 1);
        QTest::keyClick(m_window.get(), Qt::Key_Enter);
        const Decision plain = m_window->photos()->item(1)->decision;
        QVERIFY(plain.made);
        QVERIFY(!plain.corrected);
        QCOMPARE(plain.categoryId, m_window->photos()->item(1)->result.category.id);
        QCOMPARE(m_window->photos()->decisions().size(), 2);
    }

    void decisionsAreStoredAsFeedback()
    {
        m_window->addPaths({photo("refrigerator.jpg"), photo("rocking_chair.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 2, 60000);
        QTRY_VERIFY(m_window->photos()->item(1)->predictionId > 0);
        m_window->strip()->setCurrentIndex(m_window->photos()->index(0));
        QTest::keyClick(m_window.get(), Qt::Key_Return);  // accept the fridge as suggested
        QTest::keyClick(m_window.get(), Qt::Key_3);       // the chair: third category
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        m_window.reset(); // closing the window writes everything still queued

        auto store = PredictionStore::open(m_dbUrl);
        QVERIFY(store.ok());
        HistoryFilter accepted, corrected;
        accepted.feedback = QStringLiteral("accepted");
        corrected.feedback = QStringLiteral("corrected");
        const auto a = readHistory(*store.value(), accepted, std::nullopt, 10).value();
        const auto c = readHistory(*store.value(), corrected, std::nullopt, 10).value();
        QCOMPARE(int(a.size()), 1);
        QCOMPARE(a[0].finalCategoryId, QStringLiteral("appliances"));
        QCOMPARE(int(c.size()), 1);
        QVERIFY(c[0].finalCategoryId != QStringLiteral("furniture"));
        QCOMPARE(int(readHistory(*store.value(), {}, std::nullopt, 10).value().size()), 2);
    }

    // The session opens its one store on the store thread and hands it, and
    // the listing index, to the other threads; the GUI thread never copies the
    // worker's index pointer while the worker resets it. Decisions made
    // while the database is opened again (as the retry after a lost connection
    // does) reach the store and the index in use, and photos classified
    // meanwhile are stored once it is open.
    void decisionsWhileTheDatabaseIsReopened()
    {
        Session *session = m_window->session();
        PhotoListModel *photos = m_window->photos();
        const QStringList decided = {photo("toaster.jpg"), photo("teddy.jpg"), photo("laptop.jpg"),
                                     photo("moped.jpg"), photo("backpack.jpg"), photo("jean.jpg")};
        const int n = int(decided.size());
        const auto allStored = [photos] {
            for (int r = 0; r < photos->rowCount(); ++r)
                if (photos->item(r)->predictionId <= 0)
                    return false;
            return true;
        };
        m_window->addPaths(decided);
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == n && allStored(), 60000);

        QSignalSpy opened(session, &Session::databaseOpened);
        const auto correct = [&](int r) {
            m_window->strip()->setCurrentIndex(photos->index(r));
            m_window->resultPanel()->selectChoice(1); // a correction: the index has to say so
            m_window->acceptCurrent();
            QVERIFY(photos->item(r)->decision.made && photos->item(r)->decision.corrected);
        };
        // The first half while it is opened again and again, each at another point of the reopening...
        for (int r = 0; r < n / 2; ++r) {
            session->openDatabase(m_dbUrl);
            if (r == 1) // classified while the store is being opened
                m_window->addPaths({photo("perfume.jpg"), photo("dumbbell.jpg")});
            correct(r);
            QTest::qWait(5 * r);
        }
        // ...the rest at once after one more: written while the new index is being read.
        session->openDatabase(m_dbUrl);
        for (int r = n / 2; r < n; ++r)
            correct(r);
        // Only the newest open is answered (an earlier one's late answer is not the database asked for).
        QTRY_VERIFY_WITH_TIMEOUT(opened.count() >= 1 && !session->isOpeningDatabase() && !m_window->isBusy()
                                     && photos->count(PhotoState::Done) == n + 2 && allStored(), 60000);
        QVERIFY(opened.count() <= n / 2 + 1);
        // Whatever the store thread was handed before this is done once it answers.
        QSignalSpy thumbnails(session->storeWorker(), &StoreWorker::thumbnailsLoaded);
        session->loadThumbnails(-1, {});
        QTRY_COMPARE_WITH_TIMEOUT(thumbnails.count(), 1, 20000);

        // The same photos again: each finds its earlier self, confirmed as corrected.
        m_window->addPaths(decided);
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 2 * n + 2, 60000);
        for (int r = 0; r < n; ++r) {
            const PhotoItem *earlier = photos->item(r);
            const PhotoItem *again = photos->item(n + 2 + r);
            QCOMPARE(again->source, earlier->source);
            const auto &similar = again->result.similar;
            const auto self = std::find_if(similar.begin(), similar.end(),
                                           [&](const SimilarListing &s) { return s.id == earlier->predictionId; });
            QVERIFY2(self != similar.end(), qPrintable(earlier->name));
            QVERIFY2(self->confirmed, qPrintable(earlier->name + QStringLiteral(": the index missed its decision")));
            QCOMPARE(self->categoryId, earlier->decision.categoryId);
        }
        QTRY_VERIFY_WITH_TIMEOUT(allStored(), 30000);
        m_window.reset();

        auto store = PredictionStore::open(m_dbUrl);
        QVERIFY(store.ok());
        HistoryFilter corrected;
        corrected.feedback = QStringLiteral("corrected");
        QCOMPARE(int(readHistory(*store.value(), corrected, std::nullopt, 100).value().size()), n);
        QCOMPARE(int(readHistory(*store.value(), {}, std::nullopt, 100).value().size()), 2 * n + 2);
    }

    // A prediction id names a row of the database the photo was stored in. After
    // the window switches to another database, a decision on such a photo is
    // kept in memory and written to neither: in the new one that id is some
    // other listing (or none).
    void aDecisionNeverGoesToAnotherDatabase()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("toaster.jpg"), photo("teddy.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 2 && photos->item(0)->predictionId > 0
                                     && photos->item(1)->predictionId > 0, 60000);
        QVERIFY(m_window->session()->isCurrentDatabase(photos->item(0)->database));

        // Another database that already holds listings with the same ids.
        const QString other = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("other.sqlite"));
        {
            auto store = PredictionStore::open(other);
            QVERIFY(store.ok());
            for (int i = 0; i < 3; ++i)
                QVERIFY(store.value()->addPrediction(predictionRecord(QStringLiteral("cli"), QStringLiteral("other%1.jpg").arg(i),
                                                                      Error{ErrorCode::Corrupt, QStringLiteral("x")})).ok());
        }
        QSignalSpy opened(m_window->session(), &Session::databaseOpened);
        m_window->session()->openDatabase(other);
        QVERIFY(!m_window->session()->isCurrentDatabase(photos->item(0)->database));
        m_window->strip()->setCurrentIndex(photos->index(0));
        m_window->acceptCurrent();
        QVERIFY(photos->item(0)->decision.made); // kept in memory
        QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("not in the database now in use")));
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);
        m_window->strip()->setCurrentIndex(photos->index(1));
        m_window->acceptCurrent();
        // Whatever the store thread was handed before this is done once it answers.
        QSignalSpy thumbnails(m_window->session()->storeWorker(), &StoreWorker::thumbnailsLoaded);
        m_window->session()->loadThumbnails(-1, {});
        QTRY_COMPARE_WITH_TIMEOUT(thumbnails.count(), 1, 20000);
        m_window.reset();

        for (const QString &url : {m_dbUrl, other}) {
            auto store = PredictionStore::open(url);
            QVERIFY(store.ok());
            HistoryFilter decided;
            decided.feedback = QStringLiteral("accepted");
            QCOMPARE(int(readHistory(*store.value(), decided, std::nullopt, 100).value().size()), 0);
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

        HistoryPage *history = m_window->historyPage();
        m_window->showPage(1);
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 4, 20000);

        history->categoryBox()->setCurrentIndex(history->categoryBox()->findData(QStringLiteral("cars")));
        history->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(history->model()->rowCount(), 1, 20000);
        QCOMPARE(history->model()->row(0)->title, QStringLiteral("Red sports car"));

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

    void resultsWaitForALostDatabase()
    {
        if (test::postgresUrl().isEmpty())
            QSKIP("no PostgreSQL: run through scripts/with-postgres.sh (scripts/test.sh does)");
        m_window.reset();
        const QString url = test::freshPostgresDatabase(QStringLiteral("listinglens_gui"));
        QVERIFY(PredictionStore::open(url, /*migrate=*/true).ok());
        qputenv("LISTINGLENS_DB", url.toUtf8());
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isModelReady(), 60000);
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->rowCount() == 1 && m_window->photos()->item(0)->predictionId > 0, 60000);

        QVERIFY(test::postgresControl(QStringLiteral("stop")));
        m_window->addPaths({photo("teddy.jpg"), photo("moped.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 3, 60000); // the window works on
        m_window->strip()->setCurrentIndex(m_window->photos()->index(1));
        m_window->acceptCurrent(); // decided while the database is away
        QVERIFY(m_window->photos()->item(1)->decision.made);
        // Closing now would lose what waits for the database: the window asks, and Cancel keeps it open.
        bool asked = false;
        QTimer::singleShot(500, this, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                asked = box->text().contains(QStringLiteral("waiting for the database"));
                box->button(QMessageBox::Cancel)->click();
            }
        });
        m_window->close();
        QVERIFY(asked);
        QVERIFY(m_window->isVisible());
        QVERIFY(test::postgresControl(QStringLiteral("start")));
        // The window reconnects on its own and writes what it kept, decision included.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->item(1)->predictionId > 0 && m_window->photos()->item(2)->predictionId > 0, 90000);
        m_window.reset();
        auto store = PredictionStore::open(url);
        QVERIFY(store.ok());
        QCOMPARE(int(readHistory(*store.value(), {}, std::nullopt, 10).value().size()), 3);
        HistoryFilter accepted;
        accepted.feedback = QStringLiteral("accepted");
        QCOMPARE(int(readHistory(*store.value(), accepted, std::nullopt, 10).value().size()), 1);
    }

    // The window and the command line share the embedded SQLite file, the
    // default setup. Opening photos must not drop the window's POSIX locks:
    // `history` would then believe it was the last connection, checkpoint and
    // unlink -wal/-shm under the window, and the file would end up malformed.
    void windowAndCommandLineShareTheSqliteFile()
    {
        const QString file = m_dbUrl.mid(int(qstrlen("sqlite:")));
        const auto locksOnDatabase = [&file] { return test::posixLocksHeld(file); };
        QVERIFY2(locksOnDatabase() > 0, "the window holds no lock on its database");
        // File > Open photos on the database's folder: the dialog lists (and
        // used to read) the database, its -wal and -shm.
        QTimer poll;
        int listedFor = 0;
        connect(&poll, &QTimer::timeout, m_window.get(), [&] {
            auto *dialog = m_window->findChild<QFileDialog *>();
            if (!dialog || !dialog->isVisible())
                return;
            if (listedFor++ == 0)
                dialog->setDirectory(QFileInfo(file).absolutePath());
            if (listedFor < 15) // 1.5 s: the listing and its file types are gathered meanwhile
                return;
            poll.stop();
            dialog->reject();
        });
        poll.start(100);
        m_window->findChild<QAction *>(QStringLiteral("openPhotos"))->trigger();
        // Opening the folder that holds the database, and the database itself as a photo.
        m_window->addPaths({photo("toaster.jpg"), QFileInfo(file).absolutePath(), file, file + QStringLiteral("-wal"),
                            test::samplePhotosDir()});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done) >= 3, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Failed) >= 2, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->item(0)->predictionId > 0, 30000);
        QVERIFY2(locksOnDatabase() > 0, "opening photos dropped the window's locks on its database");

        const auto cli = [this](const QStringList &args) {
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(QStringLiteral(LISTINGLENS_BINARY), args + QStringList{QStringLiteral("--db"), m_dbUrl});
            if (!p.waitForFinished(120000))
                return QStringLiteral("timed out");
            return p.exitCode() == 0 ? QString() : QString::fromUtf8(p.readAll());
        };
        QCOMPARE(cli({QStringLiteral("history")}), QString());
        QVERIFY2(QFileInfo::exists(file + QStringLiteral("-wal")), "the command line removed the window's write-ahead log");
        QVERIFY(locksOnDatabase() > 0);
        QList<int> done; // rows of photos that have a result (the database's own files failed)
        for (int r = 0; r < m_window->photos()->rowCount(); ++r)
            if (m_window->photos()->item(r)->state == PhotoState::Done)
                done << r;
        m_window->strip()->setCurrentIndex(m_window->photos()->index(done.value(0)));
        m_window->acceptCurrent();
        QCOMPARE(cli({QStringLiteral("classify"), photo("teddy.jpg")}), QString());
        m_window->strip()->setCurrentIndex(m_window->photos()->index(done.value(1)));
        m_window->acceptCurrent();
        m_window.reset(); // Ctrl+Q: stores what is left and closes

        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("integrity"));
        db.setDatabaseName(file);
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
            // Both decisions and the command line's prediction are there.
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM feedback")) && q.next());
            QCOMPARE(q.value(0).toInt(), 2);
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM predictions WHERE source = 'cli'")) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("integrity"));
        QCOMPARE(cli({QStringLiteral("stats")}), QString());
    }

    void keyboardShortcuts()
    {
        m_window->addPaths({photo("jean.jpg"), photo("perfume.jpg"), photo("dumbbell.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 3, 60000);
        PhotoStrip *strip = m_window->strip();
        strip->setFocus();
        strip->setCurrentIndex(m_window->photos()->index(0));
        QTest::keyClick(strip, Qt::Key_Down);
        QCOMPARE(strip->currentIndex().row(), 1);
        QTest::keyClick(m_window.get(), Qt::Key_PageDown);
        QCOMPARE(strip->currentIndex().row(), 2);
        QTest::keyClick(strip, Qt::Key_Delete);
        QCOMPARE(m_window->photos()->rowCount(), 2);

        QTest::keyClick(m_window.get(), Qt::Key_F11);
        QVERIFY(m_window->isPresentation());
        QVERIFY(!strip->isVisible());
        QTest::keyClick(m_window.get(), Qt::Key_Escape);
        QVERIFY(!m_window->isPresentation());

        bool open = false, paste = false;
        for (QAction *a : m_window->findChildren<QAction *>()) {
            open = open || a->shortcut() == QKeySequence(QKeySequence::Open);
            paste = paste || a->shortcut() == QKeySequence(QKeySequence::Paste);
        }
        QVERIFY(open);
        QVERIFY(paste);
    }

    // Key 2 picks the second category; the price, the title and the
    // description are redone for it (Classifier::describedAs on the worker),
    // in the strip, the panel and the feedback stored. Correcting in place (C) does
    // the same for any category.
    void correctingTheCategoryRedoesPriceAndText()
    {
        PhotoListModel *photos = m_window->photos();
        ResultPanel *panel = m_window->resultPanel();
        m_window->addPaths({photo("sunglasses.jpg"), photo("wardrobe.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 2 && photos->item(1)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const PhotoItem sunglasses = *photos->item(0);
        // No listing is confirmed yet: the window's listing index changes nothing of price or text.
        const QString second = sunglasses.result.categories[1].id;
        const PhotoResult expected = classifier().describedAs(sunglasses.result, second).value();
        QVERIFY(expected.description != sunglasses.result.description);
        auto *title = panel->findChild<QLineEdit *>(QStringLiteral("title"));
        auto *description = panel->findChild<QPlainTextEdit *>(QStringLiteral("description"));
        auto *price = panel->findChild<QLabel *>(QStringLiteral("price"));
        QCOMPARE(description->toPlainText(), sunglasses.result.description);

        QTest::keyClick(m_window.get(), Qt::Key_2);
        QTRY_VERIFY_WITH_TIMEOUT(photos->item(0)->described.has_value(), 20000);
        QCOMPARE(photos->item(0)->shown().category.id, second);
        QCOMPARE(photos->data(photos->index(0), PhotoListModel::CategoryRole).toString(), expected.category.name);
        QCOMPARE(title->text(), expected.title);
        QCOMPARE(description->toPlainText(), expected.description);
        QVERIFY2(price->text().startsWith(money(expected.price.currency, expected.price.point)), qPrintable(price->text()));
        QCOMPARE(panel->selectedChoice(), 1);

        QTest::keyClick(m_window.get(), Qt::Key_Return);
        const Decision d = photos->item(0)->decision;
        QVERIFY(d.made && d.corrected && !photos->item(0)->decisionWaits);
        QCOMPARE(d.categoryId, second);
        QCOMPARE(d.price, expected.price.point);
        QCOMPARE(d.title, expected.title);
        QCOMPARE(d.description, expected.description);

        // Corrected in place (C), on the wardrobe (Accept moved on to it): a category outside its top three.
        QCOMPARE(m_window->strip()->currentIndex().row(), 1);
        const PhotoItem wardrobe = *photos->item(1);
        const QString cars = QStringLiteral("cars");
        QVERIFY(std::none_of(wardrobe.result.categories.begin(), wardrobe.result.categories.end(),
                             [&](const CategoryScore &c) { return c.id == cars; }));
        const PhotoResult asCar = classifier().describedAs(wardrobe.result, cars).value();
        QTest::keyClick(m_window.get(), Qt::Key_C);
        QVERIFY(panel->isCorrecting());
        QVERIFY(!QApplication::activeModalWidget()); // in the panel, over nothing
        auto *search = panel->findChild<QLineEdit *>(QStringLiteral("categorySearch"));
        QVERIFY(search->isVisible() && search->hasFocus());
        QTest::keyClicks(search, panel->categoryName(cars));
        QCOMPARE(panel->chosenCategoryId(), cars);
        auto *priceEdit = panel->findChild<QDoubleSpinBox *>(QStringLiteral("priceEdit"));
        // The fields left as they are follow the suggestion redone for cars.
        QTRY_COMPARE_WITH_TIMEOUT(title->text(), asCar.title, 20000);
        QCOMPARE(description->toPlainText(), asCar.description);
        QCOMPARE(priceEdit->value(), std::round(asCar.price.point * 100) / 100);
        QTest::keyClick(search, Qt::Key_Return); // saves
        QVERIFY(!panel->isCorrecting());
        const Decision c = photos->item(1)->decision;
        QCOMPARE(c.categoryId, cars);
        QCOMPARE(c.price, asCar.price.point);
        QCOMPARE(c.title, asCar.title);
        QCOMPARE(photos->data(photos->index(1), PhotoListModel::CategoryRole).toString(), asCar.category.name);
        QCOMPARE(panel->selectedChoice(), -1); // none of the top three: said beside them
        QVERIFY(panel->findChild<QLabel *>(QStringLiteral("otherChoice"))->isVisible());
        QVERIFY(panel->findChild<QLabel *>(QStringLiteral("otherChoice"))->text().contains(panel->categoryName(cars).toHtmlEscaped()));
        QCOMPARE(title->text(), asCar.title);

        m_window.reset(); // writes what is queued
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("feedback"));
        db.setDatabaseName(m_dbUrl.mid(int(qstrlen("sqlite:"))));
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT category_id, price, title, description FROM feedback ORDER BY id")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), second);
            QCOMPARE(q.value(1).toDouble(), expected.price.point);
            QCOMPARE(q.value(2).toString(), expected.title);
            QCOMPARE(q.value(3).toString(), expected.description);
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), cars);
            QCOMPARE(q.value(1).toDouble(), asCar.price.point);
            QCOMPARE(q.value(2).toString(), asCar.title);
            QCOMPARE(q.value(3).toString(), asCar.description);
            QVERIFY(!q.next());
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("feedback"));
    }

    // What was just opened is shown and has the keyboard: one photo
    // or the first of a batch is current, the strip has the focus (Up / Down
    // work at once). Enter accepts only when the focus has no use for it.
    void focusAndSelectionFollowNewPhotos()
    {
        PhotoListModel *photos = m_window->photos();
        PhotoStrip *strip = m_window->strip();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(photos->rowCount(), 1, 20000);
        QCOMPARE(strip->currentIndex().row(), 0);
        QVERIFY(strip->hasFocus());
        QTRY_COMPARE_WITH_TIMEOUT(photos->count(PhotoState::Done), 1, 60000);

        // Elsewhere meanwhile: the next photo opened still becomes current, with the focus.
        auto *title = m_window->resultPanel()->findChild<QLineEdit *>(QStringLiteral("title"));
        title->setFocus();
        m_window->addPaths({photo("teddy.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(photos->rowCount(), 2, 20000);
        QCOMPARE(strip->currentIndex().row(), 1);
        QVERIFY(strip->hasFocus());

        // A batch: its first photo, and Up / Down straight away.
        m_window->addPaths({photo("perfume.jpg"), photo("dumbbell.jpg"), photo("jean.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(photos->rowCount(), 5, 20000);
        QCOMPARE(photos->item(strip->currentIndex().row())->name, QStringLiteral("perfume.jpg"));
        QVERIFY(strip->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Down);
        QCOMPARE(photos->item(strip->currentIndex().row())->name, QStringLiteral("dumbbell.jpg"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Up);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Up);
        QCOMPARE(photos->item(strip->currentIndex().row())->name, QStringLiteral("teddy.jpg"));
        QTRY_COMPARE_WITH_TIMEOUT(photos->count(PhotoState::Done), 5, 60000);

        // Enter on a button or in the description is theirs, not an accept.
        auto *correct = m_window->resultPanel()->findChild<QPushButton *>(QStringLiteral("correct"));
        auto *description = m_window->resultPanel()->findChild<QPlainTextEdit *>(QStringLiteral("description"));
        const int row = strip->currentIndex().row();
        description->setFocus();
        QTest::keyClick(description, Qt::Key_Return);
        QVERIFY(!photos->item(row)->decision.made);
        correct->setFocus();
        QTest::keyClick(correct, Qt::Key_Return);
        QVERIFY(!photos->item(row)->decision.made);
        strip->setFocus();
        QTest::keyClick(strip, Qt::Key_Return);
        QVERIFY(photos->item(row)->decision.made);
    }

    // An undone decision is forgotten by the listing index too (later
    // suggestions no longer rest on it), and stays in the store's log marked
    // undone by the moderator; the decision before it comes back.
    void undoneDecisionsLeaveTheListingIndex()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        const PhotoItem toaster = *photos->item(0);
        QVERIFY(!toaster.result.embedding.empty());
        const QString suggested = toaster.result.category.id;

        StoreWorker worker; // driven here, on this thread, as the store thread does
        QSignalSpy undone(&worker, &StoreWorker::feedbackUndone);
        QSignalSpy refused(&worker, &StoreWorker::undoFailed);
        QSignalSpy stored(&worker, &StoreWorker::feedbackStored);
        worker.open(m_dbUrl);
        auto index = std::make_shared<ListingIndex>(int(toaster.result.embedding.size()));
        index->add({toaster.predictionId, suggested, false, 0, 0, toaster.name, {}}, toaster.result.embedding);
        worker.setListingIndex(index);
        const auto entry = [&] { return index->nearest(toaster.result.embedding, 1).at(0).entry; };

        worker.addFeedback(1, toaster.predictionId, {QStringLiteral("anna"), false, suggested, 20, QStringLiteral("EUR"), QStringLiteral("Toaster"), {}, 0}, 1);
        worker.addFeedback(1, toaster.predictionId, {QStringLiteral("anna"), true, QStringLiteral("kids-toys"), 450, QStringLiteral("EUR"), QStringLiteral("Toy"), {}, 0}, 2);
        QCOMPARE(stored.count(), 2);
        QVERIFY(entry().confirmed);
        QCOMPARE(entry().categoryId, QStringLiteral("kids-toys"));

        // Each undo names its decision, and its answer names the undo.
        worker.undoFeedback(11, 1, toaster.predictionId, 2, suggested, QStringLiteral("ben"));
        QCOMPARE(undone.count(), 1);
        QCOMPARE(undone.at(0).at(0).toInt(), 11);
        QCOMPARE(undone.at(0).at(2).toString(), QStringLiteral("accepted")); // the decision before it
        QVERIFY(entry().confirmed);
        QCOMPARE(entry().categoryId, suggested);
        QCOMPARE(entry().price, 20.0);

        worker.undoFeedback(12, 1, toaster.predictionId, 1, suggested, QStringLiteral("ben"));
        QCOMPARE(undone.count(), 2);
        QCOMPARE(undone.at(1).at(2).toString(), QStringLiteral("none"));
        QVERIFY(!entry().confirmed);
        QCOMPARE(entry().categoryId, suggested);
        QCOMPARE(index->priceEvidence(suggested, toaster.result.embedding).categoryPrices.size(), std::size_t(0));

        // Nothing left to undo: refused, and a listing index loaded later does not confirm it again.
        worker.undoFeedback(13, 1, toaster.predictionId, 1, suggested, QStringLiteral("ben"));
        QCOMPARE(refused.count(), 1);
        QCOMPARE(refused.at(0).at(0).toInt(), 13);
        auto later = std::make_shared<ListingIndex>(int(toaster.result.embedding.size()));
        later->add({toaster.predictionId, QStringLiteral("kids-toys"), true, 450, 0, toaster.name, {}}, toaster.result.embedding);
        worker.setListingIndex(later);
        QVERIFY(!later->nearest(toaster.result.embedding, 1).at(0).entry.confirmed);

        QCOMPARE(feedbackOf(toaster.predictionId), QStringLiteral("none"));
        QCOMPARE(undoneRows(toaster.predictionId), 2);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM feedback WHERE prediction_id = ? AND undone_by = 'ben'"), toaster.predictionId).toInt(), 2);

        // A decision that stands in the store from before the window's (another
        // moderator's, here): undoing the window's one goes back to it, in the
        // index too, and in every index loaded later.
        auto store = PredictionStore::open(m_dbUrl).value();
        QVERIFY(store->addFeedback(toaster.predictionId, {QStringLiteral("carla"), true, QStringLiteral("kitchen"), 35,
                                                          QStringLiteral("EUR"), QStringLiteral("Kettle"), {}, 0}).ok());
        worker.addFeedback(1, toaster.predictionId, {QStringLiteral("anna"), true, QStringLiteral("kids-toys"), 450, QStringLiteral("EUR"), QStringLiteral("Toy"), {}, 0}, 3);
        QCOMPARE(later->nearest(toaster.result.embedding, 1).at(0).entry.categoryId, QStringLiteral("kids-toys"));
        worker.undoFeedback(14, 1, toaster.predictionId, 3, suggested, QStringLiteral("ben"));
        QCOMPARE(undone.count(), 3);
        QCOMPARE(undone.at(2).at(2).toString(), QStringLiteral("corrected"));
        const auto standing = [&](const ListingIndex &i) { return i.nearest(toaster.result.embedding, 1).at(0).entry; };
        QVERIFY(standing(*later).confirmed);
        QCOMPARE(standing(*later).categoryId, QStringLiteral("kitchen"));
        QCOMPARE(standing(*later).price, 35.0);
        auto another = std::make_shared<ListingIndex>(int(toaster.result.embedding.size()));
        another->add({toaster.predictionId, suggested, false, 0, 0, toaster.name, {}}, toaster.result.embedding);
        worker.setListingIndex(another);
        QVERIFY(standing(*another).confirmed);
        QCOMPARE(standing(*another).categoryId, QStringLiteral("kitchen"));
        QCOMPARE(feedbackOf(toaster.predictionId), QStringLiteral("corrected"));
    }

    // Two decisions on one photo, two Ctrl+Z before the store answers, and the
    // second refused by the store (its row undone meanwhile by someone else):
    // the photo keeps that decision, not an empty one.
    void twoUndosOfOnePhotoEachGetTheirOwnAnswer()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const qint64 predictionId = photos->item(0)->predictionId;
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(allRows(predictionId), 1, 10000);
        const Decision first = photos->item(0)->decision;
        QTest::keyClick(m_window.get(), Qt::Key_2); // decided again, another category
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(allRows(predictionId), 2, 20000);
        QCOMPARE(m_window->findChild<QAction *>(QStringLiteral("undo"))->isEnabled(), true);
        const qint64 firstRow = scalar(QStringLiteral("SELECT MIN(id) FROM feedback WHERE prediction_id = ?"), predictionId).toLongLong();
        QVERIFY(PredictionStore::open(m_dbUrl).value()->undoFeedback(firstRow, QStringLiteral("carla")).ok());

        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!photos->item(0)->decision.made); // both taken back here, the answers still to come
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusBar()->currentMessage().startsWith(QStringLiteral("Could not undo")), 10000);
        const PhotoItem *item = photos->item(0);
        QVERIFY(item->decision.made);
        QCOMPARE(item->decision.categoryId, first.categoryId);
        QCOMPARE(item->decision.at, first.at);
        QCOMPARE(undoneRows(predictionId), 2);
    }

    // C, another category, Enter before its redone suggestion is in: stored
    // with the redone price and text, not those of the category before.
    void aCorrectionSavedBeforeTheRedoneSuggestionWaitsForIt()
    {
        PhotoListModel *photos = m_window->photos();
        ResultPanel *panel = m_window->resultPanel();
        m_window->addPaths({photo("wardrobe.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const PhotoItem wardrobe = *photos->item(0);
        const QString cars = QStringLiteral("cars");
        const PhotoResult asCar = classifier().describedAs(wardrobe.result, cars).value();
        QVERIFY(asCar.price.point != wardrobe.result.price.point);
        QTest::keyClick(m_window.get(), Qt::Key_C);
        QVERIFY(panel->isCorrecting());
        auto *search = panel->findChild<QLineEdit *>(QStringLiteral("categorySearch"));
        QTest::keyClicks(search, panel->categoryName(cars));
        QCOMPARE(panel->chosenCategoryId(), cars);
        QTest::keyClick(search, Qt::Key_Return); // saves, before any event could bring the answer
        QVERIFY(!panel->isCorrecting());
        QVERIFY(photos->item(0)->decisionWaits);
        // The strip says the category decided, its price still to come.
        QCOMPARE(photos->data(photos->index(0), PhotoListModel::SummaryRole).toString(), QStringLiteral("%1 · …").arg(panel->categoryName(cars)));
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(wardrobe.predictionId), QStringLiteral("corrected"), 20000);
        QCOMPARE(scalar(QStringLiteral("SELECT price FROM feedback WHERE prediction_id = ?"), wardrobe.predictionId).toDouble(), asCar.price.point);
        QCOMPARE(scalar(QStringLiteral("SELECT title FROM feedback WHERE prediction_id = ?"), wardrobe.predictionId).toString(), asCar.title);
        QCOMPARE(photos->item(0)->decision.price, asCar.price.point);
    }

    // Delete and Ctrl+Z while a decision waits for its redone suggestion: the
    // decision is still stored, with the redone price.
    void aWaitingDecisionSurvivesRemoveAndUndo()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("rocking_chair.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const PhotoItem chair = *photos->item(0);
        const PhotoResult expected = classifier().describedAs(chair.result, chair.result.categories[2].id).value();
        QTest::keyClick(m_window.get(), Qt::Key_3);
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QVERIFY(photos->item(0)->decisionWaits);
        m_window->strip()->setFocus();
        QTest::keyClick(m_window->strip(), Qt::Key_Delete);
        QCOMPARE(photos->rowCount(), 0);
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(photos->rowCount(), 1);
        QVERIFY(photos->item(0)->decision.made);
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(chair.predictionId), QStringLiteral("corrected"), 20000);
        QCOMPARE(scalar(QStringLiteral("SELECT final_price FROM predictions WHERE id = ?"), chair.predictionId).toDouble(), expected.price.point);
        QVERIFY(!photos->item(0)->decisionWaits);
    }

    // Ctrl+Z takes a decision back: in the window and in the store, where the
    // row stays in the log marked undone and the prediction is undecided
    // again. A correction undone shows the suggestion again everywhere. Delete
    // is undone the same way.
    void undoTakesBackDecisionsAndRemovals()
    {
        PhotoListModel *photos = m_window->photos();
        ResultPanel *panel = m_window->resultPanel();
        m_window->addPaths({photo("refrigerator.jpg"), photo("rocking_chair.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 2 && photos->item(1)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const PhotoItem fridge = *photos->item(0);
        auto *price = panel->findChild<QLabel *>(QStringLiteral("price"));
        auto *decisionLine = panel->findChild<QLabel *>(QStringLiteral("decision"));
        const QString suggestedLine = photos->data(photos->index(0), PhotoListModel::SummaryRole).toString();
        const QString suggestedPrice = price->text();

        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QVERIFY(photos->item(0)->decision.made);
        QCOMPARE(m_window->strip()->currentIndex().row(), 1); // on to the next
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(fridge.predictionId), QStringLiteral("accepted"), 10000);
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!photos->item(0)->decision.made);
        QCOMPARE(m_window->strip()->currentIndex().row(), 0); // back on the photo undone
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(fridge.predictionId), QStringLiteral("none"), 10000);
        QCOMPARE(undoneRows(fridge.predictionId), 1);
        QCOMPARE(allRows(fridge.predictionId), 1); // kept in the log

        // A correction (another category, a price typed) undone: the suggestion again in every view.
        QTest::keyClick(m_window.get(), Qt::Key_C);
        QVERIFY(panel->isCorrecting());
        const QString other = fridge.result.categories[2].id;
        QTest::keyClicks(panel->findChild<QLineEdit *>(QStringLiteral("categorySearch")), panel->categoryName(other));
        QCOMPARE(panel->chosenCategoryId(), other);
        auto *priceEdit = panel->findChild<QDoubleSpinBox *>(QStringLiteral("priceEdit"));
        priceEdit->setValue(450);
        QTest::keyClick(priceEdit, Qt::Key_Return);
        QVERIFY(photos->item(0)->decision.corrected);
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(fridge.predictionId), QStringLiteral("corrected"), 20000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        QCOMPARE(price->text(), money(fridge.result.price.currency, 450));
        QVERIFY2(decisionLine->text().contains(QStringLiteral("Ctrl+Z")), qPrintable(decisionLine->text()));
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        const PhotoItem *back = photos->item(0);
        QVERIFY(!back->decision.made);
        QVERIFY(back->chosenCategoryId.isEmpty());
        QCOMPARE(photos->data(photos->index(0), PhotoListModel::SummaryRole).toString(), suggestedLine);
        QCOMPARE(price->text(), suggestedPrice);
        QCOMPARE(decisionLine->text(), QString());
        QCOMPARE(panel->chosenCategoryId(), fridge.result.category.id);
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(fridge.predictionId), QStringLiteral("none"), 10000);
        QCOMPARE(undoneRows(fridge.predictionId), 2);

        // Delete, then Ctrl+Z: the photo is back, result and all.
        m_window->strip()->setFocus();
        QTest::keyClick(m_window->strip(), Qt::Key_Delete);
        QCOMPARE(photos->rowCount(), 1);
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(photos->rowCount(), 2);
        QCOMPARE(photos->item(0)->name, fridge.name);
        QCOMPARE(photos->item(0)->state, PhotoState::Done);
        QCOMPARE(photos->item(0)->predictionId, fridge.predictionId);
        QCOMPARE(m_window->strip()->currentIndex().row(), 0);
        QTest::keyClick(m_window.get(), Qt::Key_Z, Qt::ControlModifier); // nothing left: says so, changes nothing
        QCOMPARE(photos->rowCount(), 2);
    }

    // C corrects in place: a category found by typing, a price typed, Enter;
    // the strip, the panel, the decision line and the store show the final
    // values, in display names, under the moderator's name. Esc cancels.
    void correctingInPlaceShowsTheFinalValues()
    {
        PhotoListModel *photos = m_window->photos();
        ResultPanel *panel = m_window->resultPanel();
        m_window->addPaths({photo("sunglasses.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        const PhotoItem glasses = *photos->item(0);
        const QString currency = glasses.result.price.currency;

        // Esc: nothing changes.
        QTest::keyClick(m_window.get(), Qt::Key_C);
        QVERIFY(panel->isCorrecting());
        QTest::keyClicks(panel->findChild<QLineEdit *>(QStringLiteral("categorySearch")), panel->categoryName(QStringLiteral("cars")));
        QCOMPARE(panel->chosenCategoryId(), QStringLiteral("cars"));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
        QVERIFY(!panel->isCorrecting());
        QVERIFY(!photos->item(0)->decision.made);
        QVERIFY(photos->item(0)->chosenCategoryId.isEmpty());
        QCOMPARE(panel->chosenCategoryId(), glasses.result.category.id);

        // Typing filters the list to what matches, by display name.
        QTest::keyClick(m_window.get(), Qt::Key_C);
        auto *search = panel->findChild<QLineEdit *>(QStringLiteral("categorySearch"));
        auto *list = panel->findChild<QListWidget *>(QStringLiteral("categoryList"));
        const QString phones = QStringLiteral("phones");
        const QString phonesName = panel->categoryName(phones);
        QVERIFY(phonesName != phones); // a display name
        QTest::keyClicks(search, phonesName);
        QCOMPARE(panel->chosenCategoryId(), phones);
        for (int row = 0; row < list->count(); ++row)
            QCOMPARE(list->item(row)->isHidden(), !list->item(row)->text().contains(phonesName, Qt::CaseInsensitive));
        auto *priceEdit = panel->findChild<QDoubleSpinBox *>(QStringLiteral("priceEdit"));
        priceEdit->setFocus();
        priceEdit->selectAll();
        QTest::keyClicks(priceEdit, QStringLiteral("450"));
        QCOMPARE(priceEdit->value(), 450.0);
        QTest::keyClick(priceEdit, Qt::Key_Return);
        QVERIFY(!panel->isCorrecting());

        const QString moderator = WorkbenchSettings::load().moderatorName();
        const QString before = formatPrice(currency, glasses.result.price.point);
        const Decision d = photos->item(0)->decision;
        QVERIFY(d.made && d.corrected);
        QCOMPARE(d.categoryId, phones);
        QCOMPARE(d.price, 450.0);
        QCOMPARE(d.moderator, moderator);
        // Saved before the suggestion redone for phones is in: it waits for it, the price typed shown meanwhile.
        if (photos->item(0)->decisionWaits)
            QCOMPARE(photos->data(photos->index(0), PhotoListModel::SummaryRole).toString(), QStringLiteral("%1 · %2").arg(phonesName, money(currency, 450)));
        QTRY_VERIFY_WITH_TIMEOUT(!photos->item(0)->decisionWaits, 20000);
        // The strip, the panel and its decision line: the final values, display names.
        QCOMPARE(photos->data(photos->index(0), PhotoListModel::CategoryRole).toString(), phonesName);
        QCOMPARE(photos->data(photos->index(0), PhotoListModel::SummaryRole).toString(), QStringLiteral("%1 · %2").arg(phonesName, money(currency, 450)));
        QCOMPARE(panel->findChild<QLabel *>(QStringLiteral("price"))->text(), money(currency, 450));
        const QString line = panel->findChild<QLabel *>(QStringLiteral("decision"))->text();
        const QString expected = QStringLiteral("Corrected by %1: %2 → %3, %4 → %5")
                                     .arg(moderator, panel->categoryName(glasses.result.category.id), phonesName, before, money(currency, 450));
        QVERIFY2(line.startsWith(expected), qPrintable(line + QStringLiteral(" / ") + expected));
        QVERIFY(!line.contains(QLatin1Char('_')));
        // Once the suggestion for phones is in, it is stored with the price typed, under the moderator's name.
        QTRY_COMPARE_WITH_TIMEOUT(feedbackOf(glasses.predictionId), QStringLiteral("corrected"), 20000);
        m_window.reset();
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("inplace"));
        db.setDatabaseName(m_dbUrl.mid(int(qstrlen("sqlite:"))));
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT category_id, price, moderator FROM feedback")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), phones);
            QCOMPARE(q.value(1).toDouble(), 450.0);
            QCOMPARE(q.value(2).toString(), moderator);
            QVERIFY(!q.next());
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("inplace"));
    }

    void pricesAreWrittenAsMoneyIs_data()
    {
        QTest::addColumn<double>("low");
        QTest::addColumn<double>("high");
        QTest::addColumn<QString>("price");
        QTest::addColumn<QString>("range");
        QTest::newRow("stray cents") << 95.5 << 95.5 << "EUR 96" << "EUR 96";
        QTest::newRow("collapsed") << 264.0 << 264.0 << "EUR 264" << "EUR 264";
        QTest::newRow("collapsed once rounded") << 263.6 << 264.4 << "EUR 264" << "EUR 264";
        QTest::newRow("range with cents") << 25.25 << 77.25 << "EUR 25" << "EUR 25 – 77";
        QTest::newRow("below ten") << 4.5 << 4.5 << "EUR 4.50" << "EUR 4.50";
        QTest::newRow("whole below ten") << 3.0 << 8.0 << "EUR 3" << "EUR 3 – 8";
        QTest::newRow("zero") << 0.0 << 0.0 << "EUR 0" << "EUR 0";
    }

    // Whole units from 10 up, a collapsed range as one price,
    // display names in the basis, in the panel as in the helpers.
    void pricesAreWrittenAsMoneyIs()
    {
        QFETCH(double, low);
        QFETCH(double, high);
        QFETCH(QString, price);
        QFETCH(QString, range);
        QCOMPARE(formatPrice(QStringLiteral("EUR"), low), price);
        QCOMPARE(formatPriceRange(QStringLiteral("EUR"), low, high), range);

        ResultPanel panel;
        panel.setCategories({QStringLiteral("tv_audio")}, {QStringLiteral("TV & Audio")});
        PhotoItem item;
        item.id = 1;
        item.name = QStringLiteral("tv.jpg");
        item.state = PhotoState::Done;
        item.result.category = {QStringLiteral("tv_audio"), QStringLiteral("TV & Audio"), 0.8};
        item.result.categories = {item.result.category};
        item.result.price = {QStringLiteral("EUR"), low, low, high, PriceBasis::Category, 6};
        item.preview = QImage(64, 48, QImage::Format_RGB32);
        panel.showItem(item, {});
        const QString shown = panel.findChild<QLabel *>(QStringLiteral("price"))->text();
        QCOMPARE(shown, range == price ? price : QStringLiteral("%1   (%2)").arg(price, range));
        QVERIFY(!shown.contains(QStringLiteral(".5")) || price.contains(QStringLiteral(".50")));
        QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("priceBasis"))->text(), QStringLiteral("Median of 6 confirmed listings in TV & Audio"));
    }

    // The window opens and works at 1024 x 700, the photo large;
    // similar listings are cards without a horizontal scrollbar.
    void theWindowFitsA1024By700Screen()
    {
        m_window->addPaths({photo("toaster.jpg"), photo("teddy.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 2, 60000);
        QTest::keyClick(m_window.get(), Qt::Key_Return); // a confirmed listing for the next one to find
        QVERIFY2(m_window->minimumSizeHint().width() <= 1024 && m_window->minimumSizeHint().height() <= 700,
                 qPrintable(QStringLiteral("%1 x %2").arg(m_window->minimumSizeHint().width()).arg(m_window->minimumSizeHint().height())));
        m_window->resize(1024, 700);
        QTRY_COMPARE(m_window->size(), QSize(1024, 700));
        QApplication::processEvents();
        auto *photoView = m_window->resultPanel()->findChild<QWidget *>(QStringLiteral("photo"));
        QVERIFY(photoView->isVisible());
        QVERIFY2(photoView->width() >= 400, qPrintable(QString::number(photoView->width())));
        QVERIFY2(photoView->height() >= 250, qPrintable(QString::number(photoView->height())));
        auto *similar = m_window->resultPanel()->findChild<QListWidget *>(QStringLiteral("similar"));
        QCOMPARE(similar->horizontalScrollBarPolicy(), Qt::ScrollBarAlwaysOff);
        for (auto *button : {m_window->resultPanel()->findChild<QPushButton *>(QStringLiteral("accept")),
                             m_window->resultPanel()->findChild<QPushButton *>(QStringLiteral("correct"))}) {
            QVERIFY(button->isVisible());
            QVERIFY(m_window->rect().contains(button->mapTo(m_window.get(), button->rect().bottomRight())));
        }
        // Correcting at that size: the category search fits too.
        const QString shots = qEnvironmentVariable("LISTINGLENS_TEST_SHOTS"); // for looking at it: where to put them
        if (!shots.isEmpty())
            m_window->grab().save(shots + QStringLiteral("/1024-result.png"));
        QTest::keyClick(m_window.get(), Qt::Key_C);
        auto *list = m_window->resultPanel()->findChild<QListWidget *>(QStringLiteral("categoryList"));
        QVERIFY(list->isVisible());
        QVERIFY(list->height() >= 60);
        QVERIFY(m_window->rect().contains(list->mapTo(m_window.get(), list->rect().bottomRight())));
        if (!shots.isEmpty()) {
            QTest::keyClicks(m_window->resultPanel()->findChild<QLineEdit *>(QStringLiteral("categorySearch")), QStringLiteral("ph"));
            QTest::qWait(1500);
            m_window->resultPanel()->findChild<QDoubleSpinBox *>(QStringLiteral("priceEdit"))->setValue(450);
            m_window->grab().save(shots + QStringLiteral("/1024-correcting.png"));
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
            m_window->strip()->setCurrentIndex(m_window->photos()->index(1));
            QTest::qWait(1500);
            m_window->grab().save(shots + QStringLiteral("/1024-corrected.png"));
        }
        QCOMPARE(m_window->size(), QSize(1024, 700)); // what a correction shows fits as well
        QVERIFY(m_window->minimumSizeHint().height() <= 700);
    }

    // "3, Enter" at once, and the window closed before the worker answered: the
    // decision waits for the suggestion redone for that category and is stored with it.
    void aDecisionBeforeTheRedoneSuggestionWaitsForIt()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("rocking_chair.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        m_window->strip()->setCurrentIndex(photos->index(0));
        const PhotoResult chair = photos->item(0)->result;
        const PhotoResult expected = classifier().describedAs(chair, chair.categories[2].id).value();
        QTest::keyClick(m_window.get(), Qt::Key_3);
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QVERIFY(photos->item(0)->decision.made);
        QVERIFY(photos->item(0)->decisionWaits); // no event was delivered in between: the answer cannot be in
        m_window.reset();

        auto store = PredictionStore::open(m_dbUrl);
        QVERIFY(store.ok());
        HistoryFilter corrected;
        corrected.feedback = QStringLiteral("corrected");
        const auto rows = readHistory(*store.value(), corrected, std::nullopt, 10).value();
        QCOMPARE(int(rows.size()), 1);
        QCOMPARE(rows[0].finalCategoryId, expected.category.id);
        QCOMPARE(rows[0].finalPrice, expected.price.point);
    }

    // A result that needs review says so, in the strip and in the panel, in
    // plain words; Ctrl+L (View > Least confident first) puts the least
    // confident results first and those that failed last, and back.
    void reviewBadgeAndLeastConfidentFirst()
    {
        const QString broken = m_dir.filePath(QStringLiteral("cut.jpg"));
        QVERIFY(test::writeFile(broken, QByteArray("\xFF\xD8\xFF\xE0 cut", 9)));
        PhotoListModel *photos = m_window->photos();
        PhotoStrip *strip = m_window->strip();
        m_window->addPaths({photo("reflex_camera.jpg"), photo("laptop.jpg"), broken, photo("refrigerator.jpg"), photo("teddy.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy() && photos->rowCount() == 5 && photos->count(PhotoState::Done) == 4, 60000);
        const QStringList arrival = {QStringLiteral("reflex_camera.jpg"), QStringLiteral("laptop.jpg"), QStringLiteral("cut.jpg"),
                                     QStringLiteral("refrigerator.jpg"), QStringLiteral("teddy.jpg")};
        QCOMPARE(namesInStrip(photos), arrival);

        // The laptop lands in the catch-all category, unsure; the camera is sure.
        const PhotoItem *laptop = photos->item(1);
        QVERIFY(laptop->result.review.needed);
        QVERIFY(!photos->item(0)->result.review.needed);
        const QString words = photos->data(photos->index(1), PhotoListModel::ReviewRole).toString();
        QVERIFY2(words.startsWith(QStringLiteral("Needs review: ")) && words.contains(QStringLiteral("unsure of the category"))
                     && words.contains(QStringLiteral("outside the taxonomy")), qPrintable(words));
        QVERIFY(photos->data(photos->index(0), PhotoListModel::ReviewRole).toString().isEmpty());
        QVERIFY(photos->data(photos->index(1), Qt::ToolTipRole).toString().contains(words));
        // Drawn: the "needs review" pill in the laptop's row, none in the camera's.
        const QImage shot = strip->viewport()->grab().toImage();
        const qreal dpr = shot.devicePixelRatio();
        const auto rowRect = [&](int r) {
            const QRect v = strip->visualRect(photos->index(r));
            return QRect(v.topLeft() * dpr, v.size() * dpr);
        };
        QVERIFY(pixelsOf(shot, rowRect(1), PhotoStripDelegate::reviewColour()) > 50);
        QCOMPARE(pixelsOf(shot, rowRect(0), PhotoStripDelegate::reviewColour()), 0);
        // And in the panel.
        auto *badge = m_window->resultPanel()->findChild<QLabel *>(QStringLiteral("reviewBadge"));
        strip->setCurrentIndex(photos->index(1));
        QVERIFY(badge->isVisible());
        QCOMPARE(badge->text(), words);
        strip->setCurrentIndex(photos->index(0));
        QVERIFY(!badge->isVisible());

        // Least confident first, from the keyboard; the camera stays the photo shown.
        const int camera = photos->item(0)->id;
        QTest::keyClick(m_window.get(), Qt::Key_L, Qt::ControlModifier);
        QCOMPARE(namesInStrip(photos), (QStringList{QStringLiteral("laptop.jpg"), QStringLiteral("teddy.jpg"), QStringLiteral("refrigerator.jpg"),
                                                    QStringLiteral("reflex_camera.jpg"), QStringLiteral("cut.jpg")}));
        for (int r = 1; r < 4; ++r)
            QVERIFY(photos->item(r - 1)->result.category.confidence <= photos->item(r)->result.category.confidence);
        QCOMPARE(photos->data(strip->currentIndex(), PhotoListModel::IdRole).toInt(), camera);
        QCOMPARE(m_window->resultPanel()->shownId(), camera);
        // Enter goes on to the next photo in this order: nothing after the camera but the failed one.
        strip->setCurrentIndex(photos->index(0));
        QTest::keyClick(m_window.get(), Qt::Key_Return);
        QCOMPARE(photos->item(strip->currentIndex().row())->name, QStringLiteral("teddy.jpg"));
        // A photo added now goes to its place as its result comes (the shoe: 99 %, the camera: more).
        m_window->addPaths({photo("running_shoe.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 5, 60000);
        QCOMPARE(namesInStrip(photos).mid(3), (QStringList{QStringLiteral("running_shoe.jpg"), QStringLiteral("reflex_camera.jpg"),
                                                           QStringLiteral("cut.jpg")}));

        QTest::keyClick(m_window.get(), Qt::Key_L, Qt::ControlModifier);
        QCOMPARE(namesInStrip(photos), arrival + QStringList{QStringLiteral("running_shoe.jpg")});
    }

    // What to ask the seller is a checklist beside the description, not in it.
    void hintsAreAChecklistApartFromTheDescription()
    {
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 1, 60000);
        const PhotoResult r = m_window->photos()->item(0)->result;
        QVERIFY(r.hints.size() >= 2); // what to add, and photo tips
        ResultPanel *panel = m_window->resultPanel();
        QCOMPARE(panel->shownId(), m_window->photos()->item(0)->id);
        auto *hints = panel->findChild<QListWidget *>(QStringLiteral("hints"));
        auto *description = panel->findChild<QPlainTextEdit *>(QStringLiteral("description"));
        QVERIFY(hints->isVisible());
        QCOMPARE(description->toPlainText(), r.description);
        QCOMPARE(hints->count(), int(r.hints.size()));
        for (int i = 0; i < hints->count(); ++i) {
            QCOMPARE(hints->item(i)->text(), r.hints[i]);
            QVERIFY(hints->item(i)->flags() & Qt::ItemIsUserCheckable);
            QCOMPARE(hints->item(i)->checkState(), Qt::Unchecked);
            QVERIFY2(!description->toPlainText().contains(r.hints[i]), qPrintable(r.hints[i]));
        }
        bool labelled = false;
        for (QLabel *l : panel->findChildren<QLabel *>())
            labelled = labelled || (l->isVisible() && l->text() == QStringLiteral("Ask the seller to add"));
        QVERIFY(labelled);
        // Ticked from the keyboard.
        hints->setFocus();
        hints->setCurrentRow(0);
        QTest::keyClick(hints, Qt::Key_Space);
        QCOMPARE(hints->item(0)->checkState(), Qt::Checked);
        // The model line says what the categories come from.
        const QString model = panel->findChild<QLabel *>(QStringLiteral("modelLine"))->text();
        QVERIFY2(model.contains(r.model.name) && model.contains(QStringLiteral("built-in mapping")), qPrintable(model));
    }

    // A title taken from a confirmed earlier listing says so, and the similar
    // listings show their confirmed titles.
    void aTitleFromSimilarListingsSaysSo()
    {
        PhotoListModel *photos = m_window->photos();
        ResultPanel *panel = m_window->resultPanel();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        auto *basis = panel->findChild<QLabel *>(QStringLiteral("titleBasis"));
        QVERIFY(!basis->isVisible());
        m_window->strip()->setCurrentIndex(photos->index(0));
        auto *title = panel->findChild<QLineEdit *>(QStringLiteral("title"));
        title->setText(QStringLiteral("Chrome two-slice toaster"));
        m_window->acceptCurrent();
        // Once the store thread has confirmed it in the listing index...
        QSignalSpy thumbnails(m_window->session()->storeWorker(), &StoreWorker::thumbnailsLoaded);
        m_window->session()->loadThumbnails(-1, {});
        QTRY_COMPARE_WITH_TIMEOUT(thumbnails.count(), 1, 20000);
        // ...the same toaster again takes its title.
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(photos->count(PhotoState::Done), 2, 60000);
        QCOMPARE(photos->item(1)->result.titleBasis, QStringLiteral("similar"));
        m_window->strip()->setCurrentIndex(photos->index(1));
        QCOMPARE(title->text(), QStringLiteral("Chrome two-slice toaster"));
        QVERIFY(basis->isVisible());
        QVERIFY(basis->text().contains(QStringLiteral("similar listings")));
        auto *similar = panel->findChild<QListWidget *>(QStringLiteral("similar"));
        QVERIFY(similar->count() >= 1);
        // A card: the confirmed title first, then its price, category and how alike; no file name, no id.
        const QString card = similar->item(0)->text();
        QVERIFY2(card.startsWith(QStringLiteral("Chrome two-slice toaster\n")), qPrintable(card));
        QVERIFY2(card.contains(QStringLiteral(" confirmed · ")) && card.contains(panel->categoryName(QStringLiteral("appliances"))), qPrintable(card));
        QVERIFY2(!card.contains(QStringLiteral("toaster.jpg")) && !card.contains(QStringLiteral("appliances")), qPrintable(card));
    }

    // A head activated in the database (by `model activate`, another window)
    // is picked up within seconds: the status bar and the next results say which.
    void aNewlyActivatedHeadIsPickedUp()
    {
        PhotoListModel *photos = m_window->photos();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1, 60000);
        QCOMPARE(photos->item(0)->result.model.head, qint64(0));
        const auto modelLabel = [this] {
            for (QLabel *l : m_window->statusBar()->findChildren<QLabel *>())
                if (l->text().startsWith(QStringLiteral("Model: ")))
                    return l->text() + QLatin1Char('\n') + l->toolTip();
            return QString();
        };
        QVERIFY2(modelLabel().contains(QStringLiteral("built-in mapping")), qPrintable(modelLabel()));

        const Classifier &c = classifier();
        CategoryHead head; // uniform over the categories, half the built-in mapping: fits this model and taxonomy
        head.modelName = c.manifest().name;
        head.modelVersion = c.manifest().version;
        head.taxonomyFingerprint = c.taxonomy().fingerprint();
        head.categoryIds = c.taxonomy().ids();
        head.dimension = c.engineInfo().embeddingDim;
        head.weight.assign(std::size_t(head.categories() * head.dimension), 0.0f);
        head.bias.assign(std::size_t(head.categories()), 0.0f);
        head.builtinShare = 0.5;
        qint64 version = 0;
        {
            auto store = PredictionStore::open(m_dbUrl);
            QVERIFY(store.ok());
            version = saveHead(*store.value(), head).value();
            QVERIFY(activateHead(*store.value(), version, QStringLiteral("activate")).ok());
        }
        QTRY_VERIFY_WITH_TIMEOUT(modelLabel().contains(QStringLiteral("head h%1").arg(version)), 20000);
        m_window->addPaths({photo("teddy.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 2, 60000);
        QCOMPARE(photos->item(1)->result.model.head, version);
        m_window->strip()->setCurrentIndex(photos->index(1));
        const QString line = m_window->resultPanel()->findChild<QLabel *>(QStringLiteral("modelLine"))->text();
        QVERIFY2(line.contains(QStringLiteral("head h%1").arg(version)), qPrintable(line));
    }

    void pastedImagesAndDuplicates()
    {
        m_window->addPaths({photo("backpack.jpg"), photo("backpack.jpg")});
        QImage pasted(400, 300, QImage::Format_RGB32);
        pasted.fill(QColor(200, 30, 30));
        m_window->addImage(pasted);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy() && m_window->photos()->count(PhotoState::Done) == 3, 60000);
        // Rows come in as they are ready (folders are walked off the GUI thread), so find them by name.
        const PhotoListModel *photos = m_window->photos();
        QList<const PhotoItem *> backpacks, pastedItems;
        for (int r = 0; r < photos->rowCount(); ++r)
            (photos->item(r)->name == QLatin1String("backpack.jpg") ? backpacks : pastedItems) << photos->item(r);
        QCOMPARE(backpacks.size(), 2);
        QCOMPARE(backpacks[0]->duplicateOfId, -1);
        QCOMPARE(backpacks[1]->duplicateOfId, backpacks[0]->id);
        QCOMPARE(pastedItems.size(), 1);
        QVERIFY(pastedItems[0]->name.startsWith(QStringLiteral("pasted image")));
        QCOMPARE(pastedItems[0]->state, PhotoState::Done);
    }

    void settingsKeepTheDatabasePasswordOutOfSight()
    {
        const WorkbenchSettings original = WorkbenchSettings::load();
        const QByteArray envDb = qgetenv("LISTINGLENS_DB");
        // The plain-text fallback for sure: CI has no keyring, and this keeps a desktop's out of it.
        qputenv("LISTINGLENS_NO_KEYRING", "1");
        QVERIFY(!PasswordKeyring::available());
        WorkbenchSettings s = original;
        s.databaseUrl = QStringLiteral("postgresql://app:hunter2@db.example:5432/listings?sslmode=require");
        auto dialog = std::make_unique<SettingsDialog>(s);
        dialog->show();
        auto *url = dialog->findChild<QLineEdit *>(QStringLiteral("databaseUrl"));
        auto *password = dialog->findChild<QLineEdit *>(QStringLiteral("databasePassword"));
        auto *note = dialog->findChild<QLabel *>(QStringLiteral("databasePasswordNote"));
        QVERIFY(url && password && note);
        QCOMPARE(password->echoMode(), QLineEdit::Password);
        QCOMPARE(url->text(), QStringLiteral("postgresql://app@db.example:5432/listings?sslmode=require"));
        QCOMPARE(password->text(), QStringLiteral("hunter2"));
        QVERIFY(note->isVisible());
        QVERIFY(note->text().contains(QStringLiteral("plain text")));
        QVERIFY(note->text().contains(WorkbenchSettings::settingsFile()));
        QVERIFY(!note->text().contains(QStringLiteral("hunter2")));

        // The password can be changed in its own field...
        password->clear();
        QTest::keyClicks(password, QStringLiteral("n3w@pass"));
        QCOMPARE(dialog->settings().databaseUrl, QStringLiteral("postgresql://app:n3w%40pass@db.example:5432/listings?sslmode=require"));
        // ...or pasted with the URL, when it moves to the masked field.
        url->setText(QStringLiteral("postgresql://app:pasted@db.example/listings"));
        QCOMPARE(dialog->settings().databaseUrl, QStringLiteral("postgresql://app:pasted@db.example/listings"));
        Q_EMIT url->editingFinished();
        QCOMPARE(url->text(), QStringLiteral("postgresql://app@db.example/listings"));
        QCOMPARE(password->text(), QStringLiteral("pasted"));
        // No password, no warning.
        password->clear();
        QVERIFY(!note->isVisible());
        QCOMPARE(dialog->settings().databaseUrl, QStringLiteral("postgresql://app@db.example/listings"));
        password->setText(QStringLiteral("pasted"));
        QVERIFY(note->isVisible());

        // Without a keyring it is in the settings file, as the dialog said.
        const auto fileHolds = [](const QByteArray &text) {
            QSettings().sync();
            QFile f(WorkbenchSettings::settingsFile());
            return f.open(QIODevice::ReadOnly) && f.readAll().contains(text);
        };
        dialog->settings().save();
        QVERIFY(fileHolds("pasted"));
        QCOMPARE(WorkbenchSettings::load().databaseUrl, QStringLiteral("postgresql://app:pasted@db.example/listings"));

        // With a keyring (only where one answers), the file never holds the password.
        qunsetenv("LISTINGLENS_NO_KEYRING");
        if (PasswordKeyring::available()) {
            dialog->settings().save();
            QVERIFY(!fileHolds("pasted"));
            QVERIFY(fileHolds("postgresql://app@db.example/listings"));
            QCOMPARE(WorkbenchSettings::load().databaseUrl, QStringLiteral("postgresql://app:pasted@db.example/listings"));
            WorkbenchSettings none = dialog->settings();
            none.databaseUrl = QStringLiteral("postgresql://app@db.example/listings");
            none.save(); // removes the keyring entry
        } else {
            qInfo("no session keyring here: only the plain-text fallback was tested");
        }
        dialog.reset();

        // What is in use when it comes from the environment, the password masked.
        qputenv("LISTINGLENS_DB", "postgresql://envuser:envsecret@envhost:5432/envdb");
        s.databaseUrl.clear();
        s.modelDir.clear();
        dialog = std::make_unique<SettingsDialog>(s);
        dialog->show();
        const QString dbNote = dialog->findChild<QLabel *>(QStringLiteral("databaseNote"))->text();
        QVERIFY2(dbNote.contains(QStringLiteral("postgresql://envuser:***@envhost:5432/envdb")), qPrintable(dbNote));
        QVERIFY(dbNote.contains(QStringLiteral("LISTINGLENS_DB")));
        QVERIFY(!dbNote.contains(QStringLiteral("envsecret")));
        const QString modelNote = dialog->findChild<QLabel *>(QStringLiteral("modelDirNote"))->text();
        if (!qEnvironmentVariableIsEmpty("LISTINGLENS_MODEL_DIR")) {
            QVERIFY2(modelNote.contains(qEnvironmentVariable("LISTINGLENS_MODEL_DIR")), qPrintable(modelNote));
            QVERIFY(modelNote.contains(QStringLiteral("LISTINGLENS_MODEL_DIR")));
        }
        dialog.reset();
        qputenv("LISTINGLENS_DB", envDb);
        original.save();
        QVERIFY(!fileHolds("pasted"));
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
        if (test::postgresUrl().isEmpty())
            QSKIP("no PostgreSQL: run through scripts/with-postgres.sh (scripts/test.sh does)");
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

    // What the moderation lane found is drawn over the photo (contact details
    // red, faces yellow) and listed beside it, with its flags as badges; T hides
    // the boxes (remembered), and typing T in a text field is text, not the key.
    void moderationBoxesOverThePhoto()
    {
        QSettings().remove(QStringLiteral("workbench/moderationBoxes"));
        ResultPanel panel;
        panel.resize(1000, 640);
        PhotoItem item;
        item.id = 1;
        item.name = QStringLiteral("phone.jpg");
        item.state = PhotoState::Done;
        item.result = sampleMetaResult();
        item.preview = QImage(400, 300, QImage::Format_RGB32);
        item.preview.fill(QColor(90, 90, 90));
        panel.showItem(item, {});
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto *overlay = panel.findChild<ModerationOverlay *>(QStringLiteral("moderationOverlay"));
        auto *box = panel.findChild<ModerationBox *>(QStringLiteral("moderationBox"));
        QVERIFY(overlay && box);
        QVERIFY(box->isVisible());
        QCOMPARE(box->stateText(), QStringLiteral("Reading text…"));
        QVERIFY(!box->findChild<QWidget *>(QStringLiteral("moderationText"))->isVisible());

        item.result = moderatedResult(item.result);
        panel.showItem(item, {});
        QWidget *photoView = panel.findChild<QWidget *>(QStringLiteral("photo"));
        const QRect contactBox = overlay->mapped(item.result.moderation.text.contacts[0].box).toAlignedRect();
        const QRect faceBox = overlay->mapped(item.result.moderation.faces[0]).toAlignedRect();
        QVERIFY(!contactBox.isEmpty() && !faceBox.isEmpty());
        // Scaled from the photo's 1600 x 1200 to the preview as drawn (aspect kept).
        const QSize drawn = item.preview.size().scaled(photoView->size(), Qt::KeepAspectRatio);
        QVERIFY(std::abs(contactBox.width() - 400 * drawn.width() / 1600) <= 2);
        QImage shot = photoView->grab().toImage();
        QVERIFY(pixelsOf(shot, contactBox.adjusted(-3, -3, 3, 3), ModerationOverlay::contactColour()) > 50);
        QVERIFY(pixelsOf(shot, faceBox.adjusted(-3, -3, 3, 3), ModerationOverlay::faceColour()) > 50);
        QCOMPARE(pixelsOf(shot, shot.rect(), ModerationOverlay::contactColour())
                     - pixelsOf(shot, contactBox.adjusted(-3, -40, 200, 3), ModerationOverlay::contactColour()), 0);
        // Listed with the real values, for the moderator; the flags as badges.
        const QStringList rows = box->entries();
        QVERIFY2(rows.contains(QStringLiteral("Phone: +44 7700 900123")), qPrintable(rows.join(QLatin1Char('|'))));
        QVERIFY(rows.contains(QStringLiteral("Brand: Apple")));
        QVERIFY(rows.contains(QStringLiteral("“Call +44 7700 900123”")));
        QStringList badges;
        QCoreApplication::processEvents(); // new badges show once the layout has had its turn
        for (QLabel *l : panel.findChildren<QLabel *>())
            if (l->isVisible())
                badges << l->text();
        QVERIFY(badges.contains(QStringLiteral("Contact details")));
        QVERIFY(badges.contains(QStringLiteral("Person in photo")));
        QVERIFY(!badges.contains(QStringLiteral("Photo quality OK")));
        // The model number is offered for the description, not put there.
        auto *description = panel.findChild<QPlainTextEdit *>(QStringLiteral("description"));
        QVERIFY(!description->toPlainText().contains(QStringLiteral("A2337")));
        QTest::mouseClick(box->findChild<QPushButton *>(QStringLiteral("addModel")), Qt::LeftButton);
        QVERIFY(description->toPlainText().endsWith(QStringLiteral("Model: A2337")));

        panel.setModerationBoxesShown(false);
        shot = photoView->grab().toImage();
        QCOMPARE(pixelsOf(shot, shot.rect(), ModerationOverlay::contactColour()), 0);
        QCOMPARE(pixelsOf(shot, shot.rect(), ModerationOverlay::faceColour()), 0);
    }

    // photoModerated (after photoDone) updates the stored result and the panel
    // showing it; T toggles the boxes from the workbench, but not from the title field.
    void photoModeratedUpdatesTheShownResult()
    {
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy() && m_window->photos()->count(PhotoState::Done) == 1, 60000);
        const PhotoItem *item = m_window->photos()->item(0);
        QCOMPARE(m_window->resultPanel()->shownId(), item->id);
        auto *box = m_window->resultPanel()->findChild<ModerationBox *>(QStringLiteral("moderationBox"));
        QVERIFY(box);
        PhotoResult moderated = moderatedResult(item->result);
        moderated.quality.flags << QStringLiteral("contact_details");
        Q_EMIT m_window->session()->classification()->photoModerated(item->id, moderated);
        item = m_window->photos()->item(0);
        QCOMPARE(item->result.moderation.state, PhotoModeration::State::Done);
        QCOMPARE(int(item->result.moderation.text.contacts.size()), 1);
        QVERIFY(item->result.quality.flags.contains(QStringLiteral("contact_details")));
        QVERIFY(!item->preview.isNull()); // the images of photoDone stay
        QVERIFY(box->isVisible());
        QVERIFY(box->entries().contains(QStringLiteral("Phone: +44 7700 900123")));
        QCoreApplication::processEvents();
        m_window->grab().save(QStringLiteral("/tmp/moderation_window.png")); // to look at
        // A photo that is not there (removed meanwhile): nothing happens.
        Q_EMIT m_window->session()->classification()->photoModerated(item->id + 1000, moderated);

        QAction *toggle = m_window->findChild<QAction *>(QStringLiteral("moderationBoxes"));
        QVERIFY(toggle && toggle->isCheckable());
        const bool before = m_window->resultPanel()->moderationBoxesShown();
        QCOMPARE(toggle->isChecked(), before);
        m_window->strip()->setFocus();
        QTest::keyClick(m_window->strip(), Qt::Key_T);
        QCOMPARE(m_window->resultPanel()->moderationBoxesShown(), !before);
        QCOMPARE(QSettings().value(QStringLiteral("workbench/moderationBoxes")).toBool(), !before);
        auto *title = m_window->resultPanel()->findChild<QLineEdit *>(QStringLiteral("title"));
        title->setFocus();
        title->setText(QStringLiteral("Toas"));
        QTest::keyClick(title, Qt::Key_T);
        QCOMPARE(title->text(), QStringLiteral("Toast"));
        QCOMPARE(m_window->resultPanel()->moderationBoxesShown(), !before);
        m_window->strip()->setFocus();
        QTest::keyClick(m_window->strip(), Qt::Key_T);
        QCOMPARE(m_window->resultPanel()->moderationBoxesShown(), before);
    }

private:
    // A result as photoDone gives it with moderation still to come.
    static PhotoResult sampleMetaResult()
    {
        PhotoResult r;
        r.category = {QStringLiteral("phones"), QStringLiteral("Phones"), 0.8};
        r.categories = {r.category};
        r.price.currency = QStringLiteral("EUR");
        r.price.point = 300;
        r.title = QStringLiteral("Phone");
        r.description = QStringLiteral("A phone.");
        r.quality.width = 1600;
        r.quality.height = 1200;
        r.moderation.state = PhotoModeration::State::Pending;
        return r;
    }
    // The same with what the moderation lane found on it.
    // Boxes as if the photo were 1600 x 1200, scaled to its real size.
    static PhotoResult moderatedResult(PhotoResult r)
    {
        const double sx = r.quality.width > 0 ? r.quality.width / 1600.0 : 1, sy = r.quality.height > 0 ? r.quality.height / 1200.0 : 1;
        auto box = [sx, sy](int x, int y, int w, int h) {
            return QRect(qRound(x * sx), qRound(y * sy), qRound(w * sx), qRound(h * sy));
        };
        PhotoModeration &m = r.moderation;
        m.state = PhotoModeration::State::Done;
        m.text.lines.push_back({QStringLiteral("Call +44 7700 900123"), box(100, 100, 1000, 200), 0.9});
        m.text.lines.push_back({QStringLiteral("Apple A2337"), box(100, 800, 600, 150), 0.8});
        FoundContact c;
        c.detail.kind = ContactDetail::Kind::Phone;
        c.detail.value = QStringLiteral("+447700900123");
        c.detail.display = QStringLiteral("+44 7700 900123");
        c.box = box(500, 100, 400, 200);
        m.text.contacts.push_back(c);
        m.text.brands.push_back({QStringLiteral("Apple"), QStringLiteral("computers"), box(100, 800, 600, 150)});
        m.text.models << QStringLiteral("A2337");
        m.faces.push_back(box(1100, 500, 300, 400));
        return r;
    }

    QTemporaryDir m_dir;
    QString m_dbUrl;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<Classifier> m_classifier; // the same model as the window's, for what it should show

    // The window's database, read as it is now (the store thread writes it).
    QVariant scalar(const QString &sql, qint64 predictionId)
    {
        const QString name = QStringLiteral("peek");
        QVariant value;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(m_dbUrl.mid(int(qstrlen("sqlite:"))));
            if (db.open()) {
                QSqlQuery q(db);
                q.prepare(sql);
                q.addBindValue(predictionId);
                if (q.exec() && q.next())
                    value = q.value(0);
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        return value;
    }
    QString feedbackOf(qint64 predictionId) { return scalar(QStringLiteral("SELECT feedback FROM predictions WHERE id = ?"), predictionId).toString(); }
    int undoneRows(qint64 predictionId)
    {
        return scalar(QStringLiteral("SELECT COUNT(*) FROM feedback WHERE prediction_id = ? AND undone_ms IS NOT NULL"), predictionId).toInt();
    }
    int allRows(qint64 predictionId) { return scalar(QStringLiteral("SELECT COUNT(*) FROM feedback WHERE prediction_id = ?"), predictionId).toInt(); }

    // Loaded on first use.
    const Classifier &classifier()
    {
        if (!m_classifier)
            m_classifier = Classifier::create({}).value();
        return *m_classifier;
    }
};

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
