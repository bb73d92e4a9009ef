// Presentation mode (ui/demo): the story on the big screen, its cards,
// failures skipped, photos opened meanwhile shown when ready.
#include "card_note.h"
#include "fixtures.h"
#include "main_window.h"
#include "phone_http.h"
#include "phone_upload.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "presentation_view.h"
#include "price_text.h"
#include "window_fixture.h"

#include <QAction>
#include <QApplication>
#include <QJsonObject>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace listinglens;
using namespace listinglens::ui;
using namespace listinglens::test;

class TestPresentation : public QObject, public test::WindowTest {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        setUpWindowTests(QStringLiteral("tst_presentation"));
    }

    void init() { QVERIFY(openOwnWindow()); }
    void cleanup() { closeWindow(); }

    // The card says when a photo duplicates a stored listing, and never shows
    // a title taken from a similar listing (its seller's words) as written for this photo.
    void cardSaysDuplicatesAndBorrowedTitles_data()
    {
        QTest::addColumn<QStringList>("reasons");
        QTest::addColumn<QString>("titleBasis");
        QTest::addColumn<QStringList>("says");
        QTest::newRow("written from the photo") << QStringList{} << QStringLiteral("label") << QStringList{};
        QTest::newRow("a duplicate with its seller's title") << QStringList{QStringLiteral("duplicate")} << QStringLiteral("similar")
                                                             << QStringList{QStringLiteral("duplicates"), QStringLiteral("seller's words")};
        QTest::newRow("a similar listing's title") << QStringList{QStringLiteral("unsure_category")} << QStringLiteral("similar")
                                                   << QStringList{QStringLiteral("seller's words")};
    }

    void cardSaysDuplicatesAndBorrowedTitles()
    {
        QFETCH(QStringList, reasons);
        QFETCH(QString, titleBasis);
        QFETCH(QStringList, says);
        PhotoResult r;
        r.review.reasons = reasons;
        r.review.needed = !reasons.isEmpty();
        r.titleBasis = titleBasis;
        const QString note = cardNote(r);
        QCOMPARE(note.isEmpty(), says.isEmpty());
        for (const QString &words : says)
            QVERIFY2(note.contains(words), qPrintable(note));
    }

    void presentationSkipsFailuresAndBuildsUpTheListing()
    {
        const QString broken = m_dir.filePath(QStringLiteral("broken.jpg"));
        QVERIFY(test::writeFile(broken, QByteArray("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11)));
        m_window->addPaths({photo("toaster.jpg"), broken, photo("teddy.jpg")});
        PhotoListModel *photos = m_window->photos();
        QTRY_COMPARE_WITH_TIMEOUT(photos->count(PhotoState::Done) + photos->count(PhotoState::Failed), 3, 60000);
        QCOMPARE(photos->count(PhotoState::Failed), 1);
        m_window->strip()->setCurrentIndex(photos->index(photos->rowOf(photos->item(2)->id)));

        m_window->setPresentation(true);
        PresentationView *view = m_window->presentationView();
        QVERIFY(view);
        QVERIFY(view->isVisible());
        QCOMPARE(view->geometry(), m_window->rect()); // covers the window
        // The photo selected in the workbench comes first; the failed one is not counted.
        QCOMPARE(view->shownId(), photos->item(2)->id);
        QCOMPARE(view->positionText(), QStringLiteral("2 / 2"));
        QCOMPARE(view->stage(), PresentationView::PhotoStage);
        QTRY_COMPARE_WITH_TIMEOUT(view->stage(), PresentationView::ListingStage, 10000);
        // The listing card shows what a buyer would read, and how long it took.
        const PhotoResult &r = photos->item(2)->shown();
        const QStringList texts = [&] {
            QStringList t;
            for (QLabel *l : view->findChildren<QLabel *>())
                if (l->isVisibleTo(view))
                    t << l->text();
            return t;
        }();
        QVERIFY2(texts.contains(r.title), qPrintable(texts.join(QLatin1Char('|'))));
        QVERIFY(texts.contains(r.description));
        QVERIFY(texts.contains(r.category.name));
        QVERIFY(std::any_of(texts.begin(), texts.end(), [](const QString &t) { return t.startsWith(QStringLiteral("Ready in ")); }));
        QLabel *note = view->findChild<QLabel *>(QStringLiteral("cardNote"));
        QVERIFY(note);
        QCOMPARE(note->isVisibleTo(view), !cardNote(r).isEmpty());
        // The card's price is the panel's: a photo with no price yet says so, never a price of 0.
        QLabel *price = view->findChild<QLabel *>(QStringLiteral("cardPrice"));
        QVERIFY(price);
        QCOMPARE(price->text(), formatSuggestedPrice(r.price));
        if (r.price.basis == PriceBasis::None)
            QCOMPARE(price->text(), QStringLiteral("No price yet"));
        QVERIFY(std::any_of(texts.begin(), texts.end(), [](const QString &t) { return t.contains(QStringLiteral("Esc")); }));

        // Page Up goes back, skipping the failed photo; Right comes forward again.
        QTest::keyClick(view, Qt::Key_PageUp);
        QCOMPARE(view->shownId(), photos->item(0)->id);
        QCOMPARE(view->positionText(), QStringLiteral("1 / 2"));
        QCOMPARE(view->stage(), PresentationView::PhotoStage); // the sequence starts again
        QTest::keyClick(view, Qt::Key_PageUp);
        QCOMPARE(view->shownId(), photos->item(0)->id); // the first stays the first
        QTest::keyClick(view, Qt::Key_Right);
        QCOMPARE(view->positionText(), QStringLiteral("2 / 2"));
        QTest::keyClick(view, Qt::Key_Space);
        QCOMPARE(view->stage(), PresentationView::ListingStage);

        // Ctrl+O is the window's own, so it works with the menu bar hidden.
        QAction *open = m_window->findChild<QAction *>(QStringLiteral("openPhotos"));
        QVERIFY(open);
        QVERIFY(m_window->actions().contains(open));
        QCOMPARE(open->shortcut(), QKeySequence(QKeySequence::Open));
        QSignalSpy opened(open, &QAction::triggered);
        bool dialogShown = false;
        QTimer::singleShot(800, this, [&] { // the file dialog is modal: close it from the event loop
            if (QWidget *dialog = QApplication::activeModalWidget()) {
                dialogShown = true;
                dialog->close();
            }
        });
        QTest::keyClick(view, Qt::Key_O, Qt::ControlModifier);
        QCOMPARE(opened.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(dialogShown, 5000);
        QVERIFY(m_window->isPresentation());
        QApplication::setActiveWindow(m_window.get()); // back from the dialog (the offscreen platform does not do it)
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));

        // Esc leaves, at the photo last presented; the phone page closes with it.
        const QUrl url = view->phoneUrl();
        QVERIFY(url.isValid());
        QTest::keyClick(view, Qt::Key_PageUp);
        QTest::keyClick(m_window.get(), Qt::Key_Escape);
        QVERIFY(!m_window->isPresentation());
        QVERIFY(!view->isVisible());
        QCOMPARE(m_window->strip()->currentIndex().row(), 0);
        QVERIFY(view->phoneUrl().isEmpty());
        QNetworkAccessManager net;
        QCOMPARE(get(net, url).status, 0); // nobody listens any more
    }

    void photosOpenedDuringPresentationAreShownWhenReady()
    {
        m_window->setPresentation(true);
        PresentationView *view = m_window->presentationView();
        QCOMPARE(view->shownId(), -1);
        QVERIFY(view->positionText().isEmpty());
        // A small photo: shown at most twice its size, not blown up to fill the screen.
        const QString small = m_dir.filePath(QStringLiteral("small.png"));
        QVERIFY(test::writeFile(small, test::encode(test::quadrants(120, 90), ".png")));
        m_window->addPaths({small});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->photos()->item(0) && view->shownId() == m_window->photos()->item(0)->id, 60000);
        QCOMPARE(view->positionText(), QStringLiteral("1 / 1"));
        const QImage preview = m_window->photos()->item(0)->preview;
        QVERIFY(!preview.isNull());
        const QSize drawn = view->shownPhotoSize();
        QVERIFY2(drawn.width() <= 2 * preview.width() + 1 && drawn.width() >= preview.width(),
                 qPrintable(QStringLiteral("%1x%2 drawn for a %3x%4 preview").arg(drawn.width()).arg(drawn.height())
                                .arg(preview.width()).arg(preview.height())));
        // Then a big one: it fills its area, within 2x.
        m_window->addPaths({photo("sports_car.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(view->positionText(), QStringLiteral("2 / 2"), 60000);
        QTRY_VERIFY2(view->shownPhotoSize().width() > drawn.width(),
                     qPrintable(QStringLiteral("%1 wide in a %2 wide view").arg(view->shownPhotoSize().width()).arg(view->width())));
    }
};

QTEST_MAIN(TestPresentation)
#include "tst_presentation.moc"
