#include "window_fixture.h"

#include "fixtures.h"
#include "pending_decisions.h"
#include "prediction_store.h"
#include "price_text.h"

#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QMimeData>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTest>
#include <QUrl>

namespace listinglens::test {

void isolateSettings(const QString &application)
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("ListingLensTest"));
    QApplication::setApplicationName(application);
    QFile::remove(PendingDecisions::defaultPath()); // decisions an earlier run of this test left waiting
}

std::unique_ptr<ui::MainWindow> openWindow(const QString &databaseUrl)
{
    qputenv("LISTINGLENS_DB", databaseUrl.toUtf8());
    auto window = std::make_unique<ui::MainWindow>();
    window->show();
    QApplication::setActiveWindow(window.get());
    if (!QTest::qWaitForWindowActive(window.get()) || !QTest::qWaitFor([&] { return window->isModelReady(); }, 60000))
        return nullptr;
    return window;
}

QString photo(const char *name)
{
    return samplePhotosDir() + QLatin1Char('/') + QLatin1String(name);
}

QString money(const QString &currency, double v)
{
    return ui::formatPrice(currency, v);
}

QStringList namesInStrip(const ui::PhotoListModel *photos)
{
    QStringList names;
    for (int r = 0; r < photos->rowCount(); ++r)
        names << photos->item(r)->name;
    return names;
}

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

void WindowTest::setUpWindowTests(const QString &application)
{
    isolateSettings(application);
    qRegisterMetaType<listinglens::PhotoResult>();
    QVERIFY(m_dir.isValid());
}

bool WindowTest::openOwnWindow()
{
    // A database of its own for every test: what it stores can be checked.
    m_dbUrl = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction())));
    m_window = openWindow(m_dbUrl);
    return m_window != nullptr;
}

QString WindowTest::reopenOnFreshDatabase(bool postgres, const QString &name)
{
    m_window.reset();
    const QString url = postgres ? freshPostgresDatabase(name) : QStringLiteral("sqlite:") + m_dir.filePath(name + QStringLiteral(".sqlite"));
    if (!PredictionStore::open(url, /*migrate=*/true))
        return {};
    m_window = openWindow(url);
    return m_window ? url : QString();
}

PhotoResult WindowTest::sampleMetaResult()
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

PhotoResult WindowTest::moderatedResult(PhotoResult r)
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

QVariant WindowTest::scalar(const QString &sql, qint64 predictionId)
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

QString WindowTest::statusMessage() const
{
    const QStatusBar *bar = m_window->statusBar();
    return bar->toolTip().isEmpty() ? bar->currentMessage() : bar->toolTip();
}

QString WindowTest::feedbackOf(qint64 predictionId)
{
    return scalar(QStringLiteral("SELECT feedback FROM predictions WHERE id = ?"), predictionId).toString();
}

int WindowTest::undoneRows(qint64 predictionId)
{
    return scalar(QStringLiteral("SELECT COUNT(*) FROM feedback WHERE prediction_id = ? AND undone_ms IS NOT NULL"), predictionId).toInt();
}

int WindowTest::allRows(qint64 predictionId)
{
    return scalar(QStringLiteral("SELECT COUNT(*) FROM feedback WHERE prediction_id = ?"), predictionId).toInt();
}

const Classifier &WindowTest::classifier()
{
    if (!m_classifier)
        m_classifier = Classifier::create({}).value();
    return *m_classifier;
}

} // namespace listinglens::test
