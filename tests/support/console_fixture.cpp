#include "console_fixture.h"

#include "csv.h"
#include "fixtures.h"

#include <QDateTime>
#include <QFile>
#include <QTest>

#include <cmath>

namespace listinglens::test {

PhotoResult consoleResult(const QString &category, double confidence, double price, const QString &title, double waitMs)
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

void ConsoleFixture::setUpTest()
{
    QFETCH_GLOBAL(QString, driver);
    QString url;
    if (driver == QLatin1String("postgresql")) {
        LISTINGLENS_REQUIRE_POSTGRES();
        url = freshPostgresDatabase(QStringLiteral("listinglens_console_%1").arg(++m_serial));
    } else {
        url = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("console-%1.sqlite").arg(++m_serial));
    }
    auto store = PredictionStore::open(url, /*migrate=*/true);
    QVERIFY2(store.ok(), qPrintable(store.ok() ? QString() : store.error().message));
    m_store = store.value();
    m_worker = std::make_unique<ui::ConsoleWorker>();
    m_worker->setStore(m_store);
}

void ConsoleFixture::tearDown()
{
    m_worker.reset();
    m_store.reset();
}

double ConsoleFixture::contrast(const QColor &a, const QColor &b)
{
    auto luminance = [](const QColor &c) {
        auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

qint64 ConsoleFixture::add(qint64 createdMs, const QString &category, double confidence, double price, const QString &title, double waitMs)
{
    PredictionRecord rec;
    rec.source = QStringLiteral("gui");
    rec.fileName = QStringLiteral("/photos/") + QString(title).replace(QLatin1Char(' '), QLatin1Char('-')) + QStringLiteral(".jpg");
    rec.createdMs = createdMs;
    rec.result = consoleResult(category, confidence, price, title, waitMs);
    auto id = m_store->addPrediction(rec);
    if (!id)
        qFatal("addPrediction: %s", qPrintable(id.error().message));
    return id.value();
}

qint64 ConsoleFixture::decide(qint64 id, const QString &category, const QString &moderator, const QString &title)
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

QList<QStringList> ConsoleFixture::readCsvFile(const QString &path)
{
    QFile f(path);
    QList<QStringList> rows;
    if (f.open(QIODevice::ReadOnly))
        readCsv(f, [&](int, const QStringList &fields) { rows << fields; });
    return rows;
}

} // namespace listinglens::test
