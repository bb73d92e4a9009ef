#pragma once

// What the data console's test programs share: each test on SQLite, and on
// PostgreSQL when scripts/with-postgres.sh gives one, with a database of its
// own filled through the store's own write API and the console's worker on it.

#include "console_worker.h"
#include "photo_result.h"
#include "prediction_store.h"

#include <QColor>
#include <QHash>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace listinglens::test {

inline constexpr qint64 kMinute = 60'000;

// A stored result in `category`, its wait for the model added to its total time.
PhotoResult consoleResult(const QString &category, double confidence, double price, const QString &title, double waitMs = 0);

// The base of each console test class: initTestCase_data() gives the driver
// rows, init() calls setUpTest(), cleanup() tearDown().
class ConsoleFixture : public QObject {
protected:
    // A fresh database for the test's driver, and the console's worker on it.
    void setUpTest();
    void tearDown();
    // The WCAG contrast ratio of two colours (1 to 21).
    static double contrast(const QColor &a, const QColor &b);
    // A stored prediction made at `createdMs`; its id.
    qint64 add(qint64 createdMs, const QString &category, double confidence, double price, const QString &title, double waitMs = 0);
    // A moderator's decision on prediction `id`, a second after the one before; its feedback id.
    qint64 decide(qint64 id, const QString &category, const QString &moderator, const QString &title);
    static QList<QStringList> readCsvFile(const QString &path);

    QTemporaryDir m_dir;
    int m_serial = 0;
    std::shared_ptr<PredictionStore> m_store;
    std::unique_ptr<ui::ConsoleWorker> m_worker;
    QHash<qint64, qint64> m_decidedMs;
};

} // namespace listinglens::test
