#include "pending_decisions.h"

#include "store_sql_p.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSqlQuery>
#include <QStandardPaths>

namespace listinglens {

namespace {

QJsonObject entryJson(const PendingDecisions::Entry &e)
{
    const FeedbackRecord &f = e.feedback;
    return {{QStringLiteral("database"), e.database},
            {QStringLiteral("prediction"), e.predictionId},
            {QStringLiteral("moderator"), f.moderator},
            {QStringLiteral("corrected"), f.corrected},
            {QStringLiteral("category"), f.categoryId},
            {QStringLiteral("price"), f.price ? QJsonValue(*f.price) : QJsonValue()}, // null: no price
            {QStringLiteral("currency"), f.currency},
            {QStringLiteral("title"), f.title},
            {QStringLiteral("description"), f.description},
            {QStringLiteral("decided_ms"), f.createdMs},
            {QStringLiteral("imported"), f.imported}};
}

std::optional<PendingDecisions::Entry> entryFrom(const QJsonObject &o)
{
    PendingDecisions::Entry e;
    e.database = o.value(QStringLiteral("database")).toString();
    e.predictionId = o.value(QStringLiteral("prediction")).toInteger();
    FeedbackRecord &f = e.feedback;
    f.moderator = o.value(QStringLiteral("moderator")).toString();
    f.corrected = o.value(QStringLiteral("corrected")).toBool();
    f.categoryId = o.value(QStringLiteral("category")).toString();
    if (const QJsonValue price = o.value(QStringLiteral("price")); price.isDouble())
        f.price = price.toDouble();
    f.currency = o.value(QStringLiteral("currency")).toString();
    f.title = o.value(QStringLiteral("title")).toString();
    f.description = o.value(QStringLiteral("description")).toString();
    f.createdMs = o.value(QStringLiteral("decided_ms")).toInteger();
    f.imported = o.value(QStringLiteral("imported")).toBool();
    if (e.database.isEmpty() || e.predictionId <= 0 || f.moderator.isEmpty() || f.categoryId.isEmpty() || f.createdMs <= 0)
        return std::nullopt;
    return e;
}

// Whether an earlier attempt stored this decision already (its commit went
// through, letting go of it here did not): the same moderator and time on the photo.
// The row of a decision an earlier attempt stored (same moderator and time on
// the prediction); 0 when there is none.
Result<qint64> storedAlready(PredictionStore &store, const PendingDecisions::Entry &e)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("SELECT id FROM feedback WHERE prediction_id = :p AND moderator = :m AND created_ms = :t"));
    q.bindValue(QStringLiteral(":p"), e.predictionId);
    q.bindValue(QStringLiteral(":m"), e.feedback.moderator);
    q.bindValue(QStringLiteral(":t"), e.feedback.createdMs);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read the stored decisions"), q.lastError());
    return q.next() ? q.value(0).toLongLong() : qint64(0);
}

} // namespace

PendingDecisions::PendingDecisions(const QString &path) : m_path(path.isEmpty() ? defaultPath() : path)
{
    QFile file(m_path);
    if (!file.exists())
        return;
    if (!file.open(QIODevice::ReadOnly)) {
        m_loadError = QStringLiteral("cannot read the decisions waiting for their database (%1): %2").arg(m_path, file.errorString());
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    file.close();
    const QJsonArray list = doc.object().value(QStringLiteral("decisions")).toArray();
    for (const QJsonValue &v : list) {
        if (auto e = entryFrom(v.toObject()))
            m_entries << *e;
    }
    if (!doc.isObject() || m_entries.size() != list.size()) {
        const QString aside = m_path + QStringLiteral(".damaged-%1").arg(QDateTime::currentMSecsSinceEpoch());
        QFile::copy(m_path, aside);
        m_loadError = QStringLiteral("the file of decisions waiting for their database was damaged: %1 of them were read, the file is kept as %2")
                          .arg(m_entries.size()).arg(aside);
    }
}

QString PendingDecisions::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/pending-decisions.json");
}

Result<bool> PendingDecisions::save(const QList<Entry> &entries)
{
    QJsonArray list;
    for (const Entry &e : entries)
        list.append(entryJson(e));
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(QJsonDocument(QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("decisions"), list}}).toJson()) < 0
        || !file.commit())
        return Error{ErrorCode::IoError, QStringLiteral("cannot keep the decision on disk (%1): %2").arg(m_path, file.errorString())};
    m_entries = entries;
    return true;
}

Result<bool> PendingDecisions::add(Entry entry)
{
    if (entry.feedback.createdMs <= 0)
        entry.feedback.createdMs = QDateTime::currentMSecsSinceEpoch();
    if (!entryFrom(entryJson(entry)))
        return Error{ErrorCode::InvalidArgument, QStringLiteral("a decision to keep needs its database, photo, moderator and category")};
    QList<Entry> entries = m_entries;
    entries << entry;
    return save(entries);
}

Result<bool> PendingDecisions::remove(const QString &database, qint64 predictionId, qint64 createdMs)
{
    QList<Entry> entries = m_entries;
    const auto gone = entries.removeIf([&](const Entry &e) {
        return e.database == database && e.predictionId == predictionId && e.feedback.createdMs == createdMs;
    });
    if (gone == 0)
        return false;
    auto saved = save(entries);
    if (!saved)
        return saved.error();
    return true;
}

QList<PendingDecisions::Entry> PendingDecisions::forDatabase(const QString &database) const
{
    QList<Entry> out;
    for (const Entry &e : m_entries)
        if (e.database == database)
            out << e;
    return out;
}

PendingDecisions::Written PendingDecisions::writeInto(PredictionStore &store)
{
    Written w;
    const QString database = store.maskedUrl();
    const QList<Entry> pending = forDatabase(database);
    for (qsizetype i = 0; i < pending.size(); ++i) {
        const Entry &e = pending[i];
        auto already = storedAlready(store, e);
        if (!already) {
            w.waiting = int(pending.size() - i);
            return w;
        }
        if (!already.value()) {
            auto stored = store.addFeedback(e.predictionId, e.feedback);
            if (!stored && stored.error().code == ErrorCode::DatabaseError) {
                w.waiting = int(pending.size() - i);
                return w;
            }
            if (!stored) {
                w.dropped << QStringLiteral("the decision on photo %1 (%2): %3").arg(e.predictionId).arg(e.feedback.categoryId, stored.error().message);
            } else {
                ++w.written;
                w.stored.append({e.predictionId, e.feedback.createdMs, stored.value()});
            }
        } else {
            ++w.written;
            w.stored.append({e.predictionId, e.feedback.createdMs, already.value()});
        }
        if (!remove(database, e.predictionId, e.feedback.createdMs)) { // stored, but still on disk: the next attempt finds it stored
            w.waiting = int(pending.size() - i);
            return w;
        }
    }
    return w;
}

} // namespace listinglens
