// The workbench keys from the strip when the window is not the active one, as
// X11 without a window manager leaves it after a dialog (Open photos) closed:
// the keys reach the strip, which has the focus, and no shortcut matches. C,
// 1-3 and T still act, right after opening and after an accept, and a text
// field keeps its letters.
#include "photo_list_model.h"
#include "photo_strip.h"
#include "result_panel.h"
#include "window_fixture.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QKeyEvent>
#include <QLineEdit>
#include <QTest>

using namespace listinglens;
using namespace listinglens::test;
using namespace listinglens::ui;

class TestWorkbenchKeys : public QObject, public test::WindowTest {
    Q_OBJECT
    // A dialog of the window shown and closed, as Open photos is: afterwards no
    // window is active (offscreen, and X11 with no window manager), while the
    // window keeps its focus widget. Whether it is so.
    bool closeADialog()
    {
        {
            QDialog dialog(m_window.get());
            dialog.show();
            if (!QTest::qWaitForWindowActive(&dialog))
                return false;
        }
        QCoreApplication::processEvents();
        return !QApplication::activeWindow() && !QGuiApplication::focusWindow();
    }

private Q_SLOTS:
    void initTestCase() { setUpWindowTests(QStringLiteral("tst_workbench_keys")); }
    void init() { QVERIFY(openOwnWindow()); }
    void cleanup() { closeWindow(); }

    void workbenchKeysActFromTheStripWithoutAnActiveWindow_data()
    {
        QTest::addColumn<int>("key");
        QTest::addColumn<int>("modifiers");
        QTest::addColumn<bool>("afterAccept");
        for (bool accepted : {false, true}) {
            const char *when = accepted ? "after an accept" : "after opening";
            QTest::addRow("C, %s", when) << int(Qt::Key_C) << int(Qt::NoModifier) << accepted;
            QTest::addRow("2, %s", when) << int(Qt::Key_2) << int(Qt::NoModifier) << accepted;
            QTest::addRow("keypad 2, %s", when) << int(Qt::Key_2) << int(Qt::KeypadModifier) << accepted;
            QTest::addRow("T, %s", when) << int(Qt::Key_T) << int(Qt::NoModifier) << accepted;
        }
    }
    void workbenchKeysActFromTheStripWithoutAnActiveWindow()
    {
        QFETCH(int, key);
        QFETCH(int, modifiers);
        QFETCH(bool, afterAccept);
        // Names that type-to-search would jump to: "c", "t" and "2" each start one.
        m_window->addPaths({photo("toaster.jpg"), photo("cellular_telephone.jpg"), photo("television.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 3, 60000);
        PhotoStrip *strip = m_window->strip();
        strip->setCurrentIndex(m_window->photos()->index(0));
        strip->setFocus();
        QVERIFY(closeADialog());
        if (afterAccept) {
            QTest::keyClick(strip, Qt::Key_Return);
            QVERIFY(m_window->photos()->item(0)->decision.made);
            QCOMPARE(strip->currentIndex().row(), 1);
            QCOMPARE(m_window->focusWidget(), strip);
        }
        const int row = strip->currentIndex().row();
        ResultPanel *panel = m_window->resultPanel();
        const bool boxes = panel->moderationBoxesShown();
        QVERIFY(!panel->isCorrecting());

        QTest::keyClick(strip, Qt::Key(key), Qt::KeyboardModifiers(modifiers));
        QCOMPARE(strip->currentIndex().row(), row); // not a jump to a photo by name
        switch (key) {
        case Qt::Key_C: QVERIFY(panel->isCorrecting()); break;
        case Qt::Key_2: QCOMPARE(panel->selectedChoice(), 1); break;
        case Qt::Key_T: QCOMPARE(panel->moderationBoxesShown(), !boxes); break;
        }
    }

    // A held T toggles the boxes once, not once per repeat.
    void aHeldToggleKeyTogglesOnce()
    {
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 1, 60000);
        m_window->strip()->setFocus();
        QVERIFY(closeADialog());
        ResultPanel *panel = m_window->resultPanel();
        const bool boxes = panel->moderationBoxesShown();
        QTest::keyPress(m_window->strip(), Qt::Key_T);
        for (int i = 0; i < 3; ++i) {
            QKeyEvent repeat(QEvent::KeyPress, Qt::Key_T, Qt::NoModifier, QStringLiteral("t"), true);
            QApplication::sendEvent(m_window->strip(), &repeat);
        }
        QTest::keyRelease(m_window->strip(), Qt::Key_T);
        QCOMPARE(panel->moderationBoxesShown(), !boxes);
    }

    // In the active window the shortcuts are Qt's: a key that a widget claims
    // (ShortcutOverride) and then leaves unused, as a read-only field does,
    // reaches the window and must run nothing there.
    void aClaimedKeyInTheActiveWindowRunsNoShortcut()
    {
        class Claiming : public QWidget {
        public:
            using QWidget::QWidget;
            bool event(QEvent *e) override
            {
                if (e->type() == QEvent::ShortcutOverride) {
                    e->accept();
                    return true;
                }
                return QWidget::event(e);
            }
        };
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 1, 60000);
        ResultPanel *panel = m_window->resultPanel();
        auto *claiming = new Claiming(panel);
        claiming->setFocusPolicy(Qt::StrongFocus);
        claiming->show();
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        claiming->setFocus();
        QCOMPARE(QApplication::focusWidget(), claiming);
        const bool boxes = panel->moderationBoxesShown();
        for (Qt::Key key : {Qt::Key_C, Qt::Key_T, Qt::Key_2})
            QTest::keyClick(claiming, key);
        QVERIFY(!panel->isCorrecting());
        QCOMPARE(panel->selectedChoice(), 0);
        QCOMPARE(panel->moderationBoxesShown(), boxes);
    }

    // The same keys typed in the title field are letters, with or without an active window.
    void aTextFieldKeepsItsLetters()
    {
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_COMPARE_WITH_TIMEOUT(m_window->photos()->count(PhotoState::Done), 1, 60000);
        ResultPanel *panel = m_window->resultPanel();
        auto *title = panel->findChild<QLineEdit *>(QStringLiteral("title"));
        QVERIFY(title);
        const bool boxes = panel->moderationBoxesShown();
        for (bool active : {true, false}) {
            if (active) {
                m_window->activateWindow();
                QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
            } else {
                QVERIFY(closeADialog());
            }
            title->setFocus();
            title->setText(QString());
            QTest::keyClicks(title, QStringLiteral("ct2"));
            QCOMPARE(title->text(), QStringLiteral("ct2"));
            QVERIFY(!panel->isCorrecting());
            QCOMPARE(panel->selectedChoice(), 0);
            QCOMPARE(panel->moderationBoxesShown(), boxes);
        }
    }
};

QTEST_MAIN(TestWorkbenchKeys)
#include "tst_workbench_keys.moc"
