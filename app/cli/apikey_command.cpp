// listinglens apikey create|list|revoke: the API keys of the HTTP API.
#include "commands.h"

#include "api_keys.h"
#include "cli_common.h"
#include "command_line.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace listinglens::cli {

namespace {

QJsonValue isoTimeOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(isoTime(ms)) : QJsonValue(QJsonValue::Null);
}

QJsonObject keyJson(const ApiKeyInfo &k)
{
    QJsonArray scopes;
    for (const QString &s : apiScopesText(k.scopes).split(QLatin1Char(','), Qt::SkipEmptyParts))
        scopes.append(s);
    return {{QStringLiteral("id"), k.id},
            {QStringLiteral("name"), k.name},
            {QStringLiteral("prefix"), k.prefix},
            {QStringLiteral("scopes"), scopes},
            {QStringLiteral("created_at"), isoTime(k.createdMs)},
            {QStringLiteral("last_used_at"), isoTimeOrNull(k.lastUsedMs)},
            {QStringLiteral("revoked_at"), isoTimeOrNull(k.revokedMs)}};
}

int failed(const Error &e)
{
    printError(e.message);
    return e.code == ErrorCode::InvalidArgument ? ExitUsage : ExitSomeFailed;
}

int create(ApiKeys &keys, const QString &name, const QString &scopeText, bool json)
{
    const auto scopes = parseApiScopes(scopeText);
    if (!scopes)
        return failed(scopes.error());
    auto made = keys.create(name, scopes.value());
    if (!made)
        return failed(made.error());
    const NewApiKey &k = made.value();
    const QString once = QStringLiteral("This key is shown only now and will not be shown again: the database keeps only its SHA-256.");
    if (json) {
        QJsonObject o = keyJson(k.info);
        o.insert(QStringLiteral("key"), k.secret);
        QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
        QTextStream(stderr) << once << Qt::endl;
        return ExitOk;
    }
    QTextStream(stdout) << QStringLiteral("API key %1 created: prefix %2, scopes %3, name \"%4\"\n\n  %5\n\n%6\n")
                               .arg(k.info.id).arg(k.info.prefix, apiScopesText(k.info.scopes), k.info.name, k.secret, once)
                        << QStringLiteral("Send it as: Authorization: Bearer %1_...").arg(k.secret.left(12)) << Qt::endl;
    return ExitOk;
}

int list(ApiKeys &keys, bool json)
{
    auto all = keys.list();
    if (!all)
        return failed(all.error());
    QTextStream out(stdout);
    if (!json && !all.value().isEmpty())
        out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7")
                   .arg(QStringLiteral("ID").rightJustified(6), QStringLiteral("PREFIX").leftJustified(8),
                        QStringLiteral("SCOPES").leftJustified(26), QStringLiteral("CREATED").leftJustified(20),
                        QStringLiteral("LAST USED").leftJustified(20), QStringLiteral("REVOKED").leftJustified(20), QStringLiteral("NAME"))
            << Qt::endl;
    for (const ApiKeyInfo &k : all.value()) {
        if (json) {
            out << QJsonDocument(keyJson(k)).toJson(QJsonDocument::Compact) << Qt::endl;
            continue;
        }
        auto when = [](qint64 ms) { return (ms > 0 ? isoTime(ms) : QStringLiteral("-")).leftJustified(20); };
        out << QStringLiteral("%1  %2  %3  %4  %5  %6  %7")
                   .arg(QString::number(k.id).rightJustified(6), k.prefix.leftJustified(8), apiScopesText(k.scopes).leftJustified(26),
                        when(k.createdMs), when(k.lastUsedMs), when(k.revokedMs), k.name)
            << Qt::endl;
    }
    return ExitOk;
}

int revoke(ApiKeys &keys, const QString &which, bool json)
{
    auto k = keys.revoke(which);
    if (!k)
        return failed(k.error());
    if (json)
        QTextStream(stdout) << QJsonDocument(keyJson(k.value())).toJson(QJsonDocument::Compact) << Qt::endl;
    else
        QTextStream(stdout) << QStringLiteral("API key %1 (%2, \"%3\") revoked at %4; running servers refuse it within %5 s")
                                   .arg(k.value().id).arg(k.value().prefix, k.value().name, isoTime(k.value().revokedMs))
                                   .arg(ApiKeys::kDefaultCacheTtl.count() / 1000.0)
                            << Qt::endl;
    return ExitOk;
}

} // namespace

int runApiKey(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "API keys of the HTTP API (serve). Only each key's SHA-256 is stored: a key is shown once, when it is created.\n"
        "  create --name N --scope S[,S...]   a new key; scopes: submit, read, feedback, admin (admin allows all)\n"
        "  list                               every key: id, prefix, scopes, created, last used, revoked, name\n"
        "  revoke ID|PREFIX                   refuse the key from now on (running servers within 5 s)"));
    parser.addHelpOption();
    const QCommandLineOption db = databaseOption(QStringLiteral(", else the embedded SQLite file"));
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("What the key is for (1 to 100 characters)."), QStringLiteral("NAME"));
    const QCommandLineOption scope(QStringLiteral("scope"), QStringLiteral("submit, read, feedback, admin, comma-separated."), QStringLiteral("SCOPES"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("JSON: one object per key."));
    parser.addOptions({db, name, scope, jsonOption});
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("create, list or revoke"));
    parser.addPositionalArgument(QStringLiteral("ID|PREFIX"), QStringLiteral("the key to revoke"), QStringLiteral("[ID|PREFIX]"));
    int exitCode = ExitOk;
    if (!parseOrExit(parser, args, exitCode))
        return exitCode;
    // --name and --scope belong to create alone.
    const bool naming = parser.isSet(name) || parser.isSet(scope);
    auto withKeys = [&](bool creating, const std::function<int(ApiKeys &)> &run) {
        if (creating && !(parser.isSet(name) && parser.isSet(scope))) {
            printError(QStringLiteral("apikey create needs --name and --scope (see --help)"));
            return int(ExitUsage);
        }
        if (!creating && naming) {
            printError(QStringLiteral("--name and --scope are for apikey create"));
            return int(ExitUsage);
        }
        // Like history: SQLite is migrated on open, PostgreSQL must be current (db migrate).
        auto store = openStore(databaseUrl(parser, defaultDatabaseUrl()));
        if (!store)
            return int(ExitSomeFailed);
        ApiKeys keys(store);
        return run(keys);
    };
    const bool json = parser.isSet(jsonOption);
    const Action actions[] = {
        {QLatin1StringView("create"), {},
         [&](const QStringList &) { return withKeys(true, [&](ApiKeys &k) { return create(k, parser.value(name), parser.value(scope), json); }); }},
        {QLatin1StringView("list"), {}, [&](const QStringList &) { return withKeys(false, [&](ApiKeys &k) { return list(k, json); }); }},
        {QLatin1StringView("revoke"), {QStringLiteral("ID|PREFIX")},
         [&](const QStringList &key) { return withKeys(false, [&](ApiKeys &k) { return revoke(k, key.front(), json); }); }},
    };
    return runAction(QStringLiteral("apikey"), parser, actions);
}

} // namespace listinglens::cli
