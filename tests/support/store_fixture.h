#pragma once

// What the store test programs share: every test runs once per driver, on
// SQLite and on the real PostgreSQL of scripts/with-postgres.sh, as Qt's own
// SQL tests do; an empty database for each test; a sample result to store.

#include "photo_result.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace listinglens {
class PredictionStore;
}

namespace listinglens::test {

// A result as the classifier would give it, in `category`, with `title`.
PhotoResult sampleResult(const QString &category, double confidence, double totalMs, const QString &title);

// The base of each store test class; its slots call setUpCase() and setUpTest().
class StoreFixture : public QObject {
protected:
    void setUpCase();
    // PostgreSQL's row is required (missing: skipped, or failed when CI is set).
    void setUpTest();
    // An empty database for one test.
    QString freshUrl();
    void exec(const QString &url, const QStringList &statements);
    // The schema as it stood at `version`, step by step.
    void applyStepsUpTo(const QString &url, int version);
    void setVersion(const QString &url, int version);
    int countRows(const std::shared_ptr<PredictionStore> &store, const QString &table);

    QTemporaryDir m_dir;
    QString m_pgUrl;
    int m_serial = 0;
};

} // namespace listinglens::test
