// The workbench window driven through its real widgets (offscreen platform), as
// a moderator would: photos dropped, opened, pasted, failed and cancelled, the
// keyboard, the window's size, and what moderation draws over the photo.
#include "classification_worker.h"
#include "fixtures.h"
#include "moderation_box.h"
#include "moderation_overlay.h"
#include "photo_files.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "quality_page.h"
#include "result_panel.h"
#include "session.h"
#include "window_fixture.h"

#include <QAction>
#include <QApplication>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QTest>

using namespace listinglens;
using namespace listinglens::test;
using namespace listinglens::ui;

class TestWorkbench : public QObject, public test::WindowTest {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpWindowTests(QStringLiteral("tst_workbench")); }
    void init() { QVERIFY(openOwnWindow()); }
    void cleanup() { closeWindow(); }

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

        // Retried in one action: every cancelled photo is sent again; cancelled again, then cleared in one action.
        m_window->retryCancelled();
        QCOMPARE(photos->count(PhotoState::Cancelled), 0);
        QCOMPARE(photos->rowCount(), 300);
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) > done, 60000);
        QTest::mouseClick(m_window->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy(), 60000);
        const int doneNow = photos->count(PhotoState::Done);
        m_window->clearCancelled();
        QCOMPARE(photos->count(PhotoState::Cancelled), 0);
        QCOMPARE(photos->rowCount(), doneNow);
    }

    // The rate counts photos classified, and starts again with each batch:
    // files refused at once never read as hundreds of photos a second.
    void ratesCountPhotosAndReset()
    {
        QStringList broken;
        for (int i = 0; i < 6; ++i) {
            broken << m_dir.filePath(QStringLiteral("broken-%1.jpg").arg(i));
            QVERIFY(test::writeFile(broken.last(), "not a photo"));
        }
        auto *rate = m_window->findChild<QLabel *>(QStringLiteral("rate"));
        QVERIFY(rate);
        m_window->addPaths({photo("jean.jpg"), photo("perfume.jpg"), photo("dumbbell.jpg"), photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy() && m_window->photos()->count(PhotoState::Done) == 4, 60000);
        QVERIFY2(rate->text().endsWith(QStringLiteral("photos/s")), qPrintable(rate->text()));
        m_window->addPaths(broken);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isBusy() && m_window->photos()->count(PhotoState::Failed) == 6, 60000);
        QVERIFY2(rate->text().isEmpty(), qPrintable(rate->text())); // not the last batch's, and no rate of failures
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
        // A row an older version stored "skipped" was never read: said so, not "no text".
        PhotoItem skipped = item;
        skipped.result.moderation.state = PhotoModeration::State::Skipped;
        panel.showItem(skipped, {});
        QCOMPARE(box->stateText(), QStringLiteral("This photo's text was never read: it needs review."));
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
};

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
