// What the workbench shows of a suggestion: prices as money is written, the
// review badge and order, hints apart from the description, titles from
// similar listings, why none is shown, a price basis the cards do not
// contradict, and a newly activated category head.
#include "classifier.h"
#include "console_worker.h"
#include "fixtures.h"
#include "head_store.h"
#include "listing_index.h"
#include "photo_list_model.h"
#include "photo_strip.h"
#include "prediction_store.h"
#include "price_text.h"
#include "quality_page.h"
#include "result_panel.h"
#include "session.h"
#include "store_worker.h"
#include "window_fixture.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>

using namespace listinglens;
using namespace listinglens::test;
using namespace listinglens::ui;

namespace {

// A photo classified in the category, as the result panel is handed it.
PhotoItem finishedItem(const QString &categoryId, const QString &categoryName)
{
    PhotoItem item;
    item.id = 1;
    item.name = QStringLiteral("photo.jpg");
    item.state = PhotoState::Done;
    item.result.category = {categoryId, categoryName, 0.8};
    item.result.categories = {item.result.category};
    item.preview = QImage(64, 48, QImage::Format_RGB32);
    return item;
}

} // namespace

class TestWorkbenchResults : public QObject, public test::WindowTest {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpWindowTests(QStringLiteral("tst_workbench_results")); }
    void init() { QVERIFY(openOwnWindow()); }
    void cleanup() { closeWindow(); }

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
        PhotoItem item = finishedItem(QStringLiteral("tv_audio"), QStringLiteral("TV & Audio"));
        item.result.price = {QStringLiteral("EUR"), low, low, high, PriceBasis::Category, 6};
        panel.showItem(item, {});
        const QString shown = panel.findChild<QLabel *>(QStringLiteral("price"))->text();
        QCOMPARE(shown, range == price ? price : QStringLiteral("%1   (%2)").arg(price, range));
        QVERIFY(!shown.contains(QStringLiteral(".5")) || price.contains(QStringLiteral(".50")));
        QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("priceBasis"))->text(), QStringLiteral("Median of 6 confirmed listings in TV & Audio"));
    }

    // With no similar listing shown, the panel says why, from the listings there are: none
    // yet, none confirmed (only confirmed ones are shown), or none alike enough; never "as
    // history grows" beside a history that has grown. The shown photo, once stored, is in
    // the history but never one of its own similar listings: it is not counted.
    void anEmptySimilarListSaysWhy_data()
    {
        QTest::addColumn<int>("listings"); // -1: no index (no database)
        QTest::addColumn<int>("confirmed");
        QTest::addColumn<int>("self"); // the shown photo's listing (0: not stored)
        QTest::addColumn<QString>("said");
        const QString noneYet = QStringLiteral("None yet: confirmed listings that look like this photo appear here");
        QTest::newRow("no database") << -1 << 0 << 0 << noneYet;
        QTest::newRow("an empty history") << 0 << 0 << 0 << noneYet;
        QTest::newRow("1 listing, not confirmed") << 1 << 0 << 0 << QStringLiteral("None confirmed yet: the 1 listing in the history is not confirmed");
        QTest::newRow("31 listings, none confirmed") << 31 << 0 << 0
                                                     << QStringLiteral("None confirmed yet: none of the 31 listings in the history is confirmed");
        QTest::newRow("31 listings, 1 confirmed") << 31 << 1 << 0 << QStringLiteral("None alike enough: the 1 confirmed listing is less than 65 % alike.");
        QTest::newRow("31 listings, 4 confirmed") << 31 << 4 << 0
                                                  << QStringLiteral("None alike enough: none of the 4 confirmed listings is 65 % alike or more.");
        QTest::newRow("only the photo, not confirmed") << 1 << 0 << 1 << noneYet;
        QTest::newRow("only the photo, confirmed") << 1 << 1 << 1 << noneYet;
        QTest::newRow("the photo and 1 other, both unconfirmed") << 2 << 0 << 1
                                                                << QStringLiteral("None confirmed yet: the 1 listing in the history is not confirmed");
        QTest::newRow("the photo confirmed, 1 other not") << 2 << 1 << 1
                                                         << QStringLiteral("None confirmed yet: the 1 listing in the history is not confirmed");
        QTest::newRow("the photo and 1 other, both confirmed") << 2 << 2 << 2
                                                              << QStringLiteral("None alike enough: the 1 confirmed listing is less than 65 % alike.");
    }
    void anEmptySimilarListSaysWhy()
    {
        QFETCH(int, listings);
        QFETCH(int, confirmed);
        QFETCH(int, self);
        QFETCH(QString, said);
        std::shared_ptr<ListingIndex> index;
        if (listings >= 0) {
            index = std::make_shared<ListingIndex>(4);
            for (int i = 1; i <= listings; ++i)
                index->add({i, QStringLiteral("phones"), false, {}, 0, QStringLiteral("p%1.jpg").arg(i), {}}, {1, 0, 0, float(i)});
            for (int i = 1; i <= confirmed; ++i)
                index->confirm(i, QStringLiteral("phones"), 10.0);
        }
        ResultPanel panel;
        panel.setCategories({QStringLiteral("phones")}, {QStringLiteral("Phones")});
        panel.setListingIndex(index);
        PhotoItem item = finishedItem(QStringLiteral("phones"), QStringLiteral("Phones"));
        item.predictionId = self;
        panel.showItem(item, {});
        const QString shown = panel.findChild<QLabel *>(QStringLiteral("similarNone"))->text();
        QVERIFY2(shown.startsWith(said), qPrintable(shown));
        QVERIFY(!shown.contains(QStringLiteral("as history grows")));
    }

    // A price from the category's nearest confirmed listings names them as such: they are
    // not the similar listings shown beside it (any category's, 65 % alike), so a count of
    // "similar listings" the cards contradict is never written.
    void thePriceBasisDoesNotContradictTheCards()
    {
        ResultPanel panel;
        panel.setCategories({QStringLiteral("phones")}, {QStringLiteral("Phones")});
        PhotoItem item = finishedItem(QStringLiteral("phones"), QStringLiteral("Phones"));
        item.result.price = {QStringLiteral("EUR"), 80, 100, 120, PriceBasis::Neighbours, 4};
        item.result.similar = {{7, 0.7, QStringLiteral("phones"), true, 100.0, QStringLiteral("a.jpg"), QStringLiteral("Red phone")}};
        panel.showItem(item, {});
        QCOMPARE(panel.findChild<QListWidget *>(QStringLiteral("similar"))->count(), 1);
        const QString basis = panel.findChild<QLabel *>(QStringLiteral("priceBasis"))->text();
        QCOMPARE(basis, QStringLiteral("From 4 confirmed listings in Phones at least 50 % alike"));
        QVERIFY2(!basis.contains(QStringLiteral("similar listings")), qPrintable(basis));
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
        QVERIFY(m_window->orderLabel()->isVisible()); // the order says that it is on
        // A batch arriving never moves the result under the keyboard focus: the
        // new, least confident photo goes before it, and it keeps its row.
        const int focused = photos->item(2)->id; // the refrigerator
        m_window->addPaths({photo("laptop.jpg")});
        QTRY_COMPARE(photos->rowCount(), 7);
        strip->setCurrentIndex(photos->index(photos->rowOf(focused)));
        const int focusedRow = strip->currentIndex().row();
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 6, 60000);
        QCOMPARE(strip->currentIndex().row(), focusedRow);
        QCOMPARE(photos->item(focusedRow)->id, focused);
        QVERIFY(photos->rowOf(photos->item(6)->id) == 6 && photos->item(6)->name == QStringLiteral("cut.jpg"));
        QCOMPARE(photos->item(1)->name, QStringLiteral("laptop.jpg")); // in its place, among the least confident

        QTest::keyClick(m_window.get(), Qt::Key_L, Qt::ControlModifier);
        QCOMPARE(namesInStrip(photos), (arrival + QStringList{QStringLiteral("running_shoe.jpg"), QStringLiteral("laptop.jpg")}));
        QVERIFY(!m_window->orderLabel()->isVisible());
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

    // A title taken from a confirmed earlier listing (the same photo: a near copy) says so, and the similar
    // listings show their confirmed titles.
    void aTitleFromSimilarListingsSaysSo()
    {
        PhotoListModel *photos = m_window->photos();
        ResultPanel *panel = m_window->resultPanel();
        m_window->addPaths({photo("toaster.jpg")});
        QTRY_VERIFY_WITH_TIMEOUT(photos->count(PhotoState::Done) == 1 && photos->item(0)->predictionId > 0, 60000);
        auto *basis = panel->findChild<QLabel *>(QStringLiteral("titleBasis"));
        QVERIFY2(!basis->text().contains(QStringLiteral("listing")), qPrintable(basis->text()));
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
        QCOMPARE(photos->item(1)->result.titleBasis, QStringLiteral("nearest"));
        m_window->strip()->setCurrentIndex(photos->index(1));
        QCOMPARE(title->text(), QStringLiteral("Chrome two-slice toaster"));
        QVERIFY(basis->isVisible());
        QVERIFY2(basis->text().contains(QStringLiteral("nearest confirmed listing")), qPrintable(basis->text()));
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

    // A long message is cut, with an ellipsis, to the room left of the status
    // bar's leftmost label (Qt clips it there without one), whole in the tooltip.
    void aLongStatusMessageFitsBesideTheLabels()
    {
        m_window->resize(1024, 700);
        QTRY_COMPARE(m_window->width(), 1024);
        const QString refusal = QStringLiteral("the database's confirmed prices are in GBP: its currency stays GBP "
                                               "(import --currency sets it only for a database without prices)");
        Q_EMIT m_window->session()->storeWorker()->currencyKnown(QString(), refusal);
        QStatusBar *bar = m_window->statusBar();
        const QString shown = bar->currentMessage();
        int firstLabel = bar->width();
        QString labels;
        for (const QLabel *l : bar->findChildren<QLabel *>(Qt::FindDirectChildrenOnly)) {
            firstLabel = l->isVisible() ? std::min(firstLabel, l->x()) : firstLabel;
            labels += QStringLiteral("%1 at %2 +%3 (%4); ").arg(l->text()).arg(l->x()).arg(l->width()).arg(l->isVisible());
        }
        // The labels' room depends on their texts (the database's name): the
        // message is the start of the whole one, with an ellipsis.
        QVERIFY2(shown.endsWith(QChar(0x2026)) && shown.size() > 1
                     && (QStringLiteral("Currency not changed: ") + refusal).startsWith(shown.chopped(1)),
                 qPrintable(shown + QStringLiteral(" | ") + labels));
        QVERIFY(firstLabel < bar->width());
        const int advance = bar->fontMetrics().horizontalAdvance(shown);
        const int margin = 6 + 2; // where Qt starts the message, and stops it short of the label
        QVERIFY2(advance <= firstLabel - margin, qPrintable(QStringLiteral("%1 > %2 - %3").arg(advance).arg(firstLabel).arg(margin)));
        QVERIFY2(bar->toolTip().endsWith(refusal), qPrintable(bar->toolTip()));
        bar->showMessage(QStringLiteral("Short"));
        QVERIFY(bar->toolTip().isEmpty()); // the tooltip goes with the message it was for
    }
};

QTEST_MAIN(TestWorkbenchResults)
#include "tst_workbench_results.moc"
