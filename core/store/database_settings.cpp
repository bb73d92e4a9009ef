#include "database_settings.h"

#include "store_sql_p.h"

#include <QRegularExpression>
#include <QSqlQuery>

namespace listinglens {

QString normalisedCurrency(const QString &code)
{
    static const QRegularExpression threeLetters(QStringLiteral("^[A-Z]{3}$"));
    const QString c = code.trimmed().toUpper();
    return threeLetters.match(c).hasMatch() ? c : QString();
}

Result<QString> databaseCurrency(PredictionStore &store)
{
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    if (!q.exec(QStringLiteral("SELECT value FROM database_settings WHERE name = 'currency'")))
        return databaseError(QStringLiteral("cannot read the database's currency"), q.lastError());
    if (q.next())
        return q.value(0).toString();
    q.finish();
    auto confirmed = store.confirmedCurrencies();
    if (!confirmed)
        return confirmed.error();
    return confirmed.value().size() == 1 ? confirmed.value().constFirst() : QString();
}

Result<QString> chooseDatabaseCurrency(PredictionStore &store, const QString &code)
{
    const QString currency = normalisedCurrency(code);
    if (currency.isEmpty())
        return Error{ErrorCode::InvalidArgument, QStringLiteral("a currency is three letters (such as EUR or GBP), not \"%1\"").arg(code)};
    auto db = store.connection();
    if (!db)
        return db.error();
    QSqlDatabase &c = db.value();
    if (!c.transaction())
        return databaseError(QStringLiteral("cannot set the database's currency"), c.lastError());
    QSqlQuery q(c);
    const auto fail = [&](const QString &what) {
        const QSqlError e = q.lastError();
        c.rollback();
        return databaseError(what, e);
    };
    // Prices already confirmed in another currency keep it: they are not converted here.
    q.prepare(QStringLiteral("SELECT currency FROM feedback WHERE price > 0 AND currency IS NOT NULL AND currency <> ''"
                             " AND currency <> :cur AND undone_ms IS NULL LIMIT 1"));
    q.bindValue(QStringLiteral(":cur"), currency);
    if (!q.exec())
        return fail(QStringLiteral("cannot read the stored currencies"));
    if (q.next()) {
        const QString theirs = q.value(0).toString();
        q.finish();
        c.rollback();
        return Error{ErrorCode::InvalidArgument,
                     QStringLiteral("the database's confirmed prices are in %1: its currency stays %1 (import --rate converts a catalogue into it)")
                         .arg(theirs)};
    }
    q.prepare(QStringLiteral("DELETE FROM database_settings WHERE name = 'currency'"));
    if (!q.exec())
        return fail(QStringLiteral("cannot set the database's currency"));
    q.prepare(QStringLiteral("INSERT INTO database_settings (name, value) VALUES ('currency', :cur)"));
    q.bindValue(QStringLiteral(":cur"), currency);
    if (!q.exec())
        return fail(QStringLiteral("cannot set the database's currency"));
    if (!c.commit())
        return databaseError(QStringLiteral("cannot set the database's currency"), c.lastError());
    return currency;
}

} // namespace listinglens
