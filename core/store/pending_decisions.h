#pragma once

#include "error.h"
#include "prediction_store.h"

#include <QList>
#include <QString>

namespace listinglens {

// Decisions that are not in their database yet: made while it was away, or
// on a photo stored in another database than the one in use. Kept on disk in
// one JSON file that is replaced whole on every change (QSaveFile: written
// aside, then renamed), so that neither a database that is away nor a restart
// loses one, and written into their database when it is reachable again
// (writeInto). Each names its database by its masked URL: no password is kept.
class PendingDecisions {
public:
    struct Entry {
        QString database;                   // DatabaseUrl::masked() of the photo's database
        qint64 predictionId = 0;
        FeedbackRecord feedback;            // createdMs: when it was decided (set by add when 0)
    };
    struct Stored {
        qint64 predictionId = 0;
        qint64 createdMs = 0;               // the decision's time, as kept
        qint64 feedbackId = 0;              // its row in the store
    };
    struct Written {
        int written = 0;                    // stored now (or found stored by an earlier attempt)
        QStringList dropped;                // refused for good (the photo is gone): said, then let go
        int waiting = 0;                    // still pending for this database
        QList<Stored> stored;               // the written ones, each with its row (an undo takes that back)
    };

    // The file at `path` (defaultPath() when empty), read now. A damaged file
    // is kept aside (renamed *.damaged) and said in loadError(), never overwritten.
    explicit PendingDecisions(const QString &path = {});
    static QString defaultPath();           // pending-decisions.json in the application's data folder

    // Kept, on disk before it returns; an error when it could not be written
    // (then it is not kept at all and the caller says so).
    Result<bool> add(Entry entry);
    // Let go of the decision on predictionId in database decided at createdMs (an undo before it was written).
    Result<bool> remove(const QString &database, qint64 predictionId, qint64 createdMs);
    QList<Entry> forDatabase(const QString &database) const;
    qsizetype size() const { return m_entries.size(); }
    QString loadError() const { return m_loadError; }
    QString path() const { return m_path; }

    // Writes this database's pending decisions into `store` (whose masked URL
    // names it), oldest first, each let go once stored. A decision an earlier
    // attempt stored but could not let go of (same moderator and time on the
    // prediction) is not written twice. Stops at the first write the database
    // refuses for a passing reason (unreachable): those stay pending.
    Written writeInto(PredictionStore &store);

private:
    Result<bool> save(const QList<Entry> &entries);

    QString m_path;
    QList<Entry> m_entries;
    QString m_loadError;
};

} // namespace listinglens
