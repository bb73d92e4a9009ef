#include "api_keys.h"

#include "logging.h"
#include "prediction_store.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHash>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <openssl/crypto.h>

#include <array>
#include <mutex>
#include <optional>

namespace listinglens {

namespace {

constexpr char kKeyStart[] = "llk_";
constexpr int kKeyStartLength = 4;
constexpr int kPrefixLength = 8;                  // 4 random bytes in hex
constexpr int kSecretBytes = 32;
constexpr int kSecretLength = 43;                 // 32 bytes in base64url, no padding
constexpr int kKeyLength = kKeyStartLength + kPrefixLength + 1 + kSecretLength; // 56
constexpr int kHashHexLength = 64;
constexpr int kMaxNameLength = 100;
constexpr qint64 kLastUsedIntervalMs = 60 * 1000; // last_used_ms written at most this often per key
constexpr int kMaxCacheEntries = 10000;           // then expired ones go, else all
constexpr int kCreateAttempts = 5;                // a new prefix if the random one is taken

struct ScopeName {
    ApiScope scope;
    QLatin1String name;
};
const std::array<ScopeName, 4> kScopeNames = {{{ApiScope::Submit, QLatin1String("submit")},
                                                   {ApiScope::Read, QLatin1String("read")},
                                                   {ApiScope::Feedback, QLatin1String("feedback")},
                                                   {ApiScope::Admin, QLatin1String("admin")}}};

const QString kColumns = QStringLiteral("id, name, prefix, scopes, created_ms, revoked_ms, last_used_ms");

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

bool isLowerHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool isBase64Url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool isPrefix(const QString &text)
{
    if (text.size() != kPrefixLength)
        return false;
    for (QChar c : text) {
        if (c.unicode() > 0x7f || !isLowerHex(char(c.unicode())))
            return false;
    }
    return true;
}

// Hex SHA-256 of the whole key: what the table keeps.
QByteArray keyHash(const QByteArray &key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex();
}

// Scopes as stored; names this version does not know give no rights.
int storedScopes(const QString &text)
{
    int scopes = 0;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        for (const ScopeName &s : kScopeNames) {
            if (part.trimmed() == s.name)
                scopes |= int(s.scope);
        }
    }
    return scopes;
}

ApiKeyInfo infoFrom(const QSqlQuery &q)
{
    ApiKeyInfo k;
    k.id = q.value(0).toLongLong();
    k.name = q.value(1).toString();
    k.prefix = q.value(2).toString();
    k.scopes = storedScopes(q.value(3).toString());
    k.createdMs = q.value(4).toLongLong();
    k.revokedMs = q.value(5).toLongLong();
    k.lastUsedMs = q.value(6).toLongLong();
    return k;
}

Error unauthorized(const QString &why)
{
    return {ErrorCode::Unauthorized, why};
}

} // namespace

Result<int> parseApiScopes(const QString &text)
{
    int scopes = 0;
    const QStringList parts = text.split(QLatin1Char(','));
    for (const QString &raw : parts) {
        const QString part = raw.trimmed();
        bool known = false;
        for (const ScopeName &s : kScopeNames) {
            if (part == s.name) {
                scopes |= int(s.scope);
                known = true;
            }
        }
        if (!known) {
            QStringList names;
            for (const ScopeName &s : kScopeNames)
                names << s.name;
            return Error{ErrorCode::InvalidArgument,
                         part.isEmpty() ? QStringLiteral("the scopes are a comma-separated list of %1").arg(names.join(QStringLiteral(", ")))
                                        : QStringLiteral("\"%1\" is not a scope (scopes: %2)").arg(part.left(40), names.join(QStringLiteral(", ")))};
        }
    }
    return scopes;
}

QString apiScopesText(int scopes)
{
    QStringList names;
    for (const ScopeName &s : kScopeNames) {
        if (scopes & int(s.scope))
            names << s.name;
    }
    return names.join(QLatin1Char(','));
}

bool ApiKeyInfo::allows(ApiScope scope) const
{
    return (scopes & int(ApiScope::Admin)) || (scopes & int(scope));
}

// The cache of verify(), keyed by the SHA-256 of the token (the token itself is
// never kept): a key, or the refusal, until `until`.
struct ApiKeys::Private {
    struct Entry {
        std::chrono::steady_clock::time_point until;
        std::optional<ApiKeyInfo> key;
        Error refusal;
    };

    std::shared_ptr<PredictionStore> store;
    std::chrono::milliseconds ttl;
    std::mutex mutex; // guards cache and lastUsedWritten
    QHash<QByteArray, Entry> cache;
    QHash<qint64, qint64> lastUsedWritten; // key id -> the last_used_ms this process wrote

    Result<ApiKeyInfo> lookup(const QByteArray &token, const QByteArray &hash);
    void remember(const QByteArray &hash, const Result<ApiKeyInfo> &outcome);
    void touch(ApiKeyInfo &key);
    Result<ApiKeyInfo> byColumn(const QString &column, const QVariant &value);
    void forget(qint64 id);
};

// The database's answer for a well-formed token; not cached here.
Result<ApiKeyInfo> ApiKeys::Private::lookup(const QByteArray &token, const QByteArray &hash)
{
    auto db = store->connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT %1, key_sha256 FROM api_keys WHERE prefix = :prefix").arg(kColumns));
    q.bindValue(QStringLiteral(":prefix"), QString::fromLatin1(token.mid(kKeyStartLength, kPrefixLength)));
    if (!q.exec()) {
        const Error e = databaseError(QStringLiteral("cannot check the API key"), q.lastError());
        store->dropConnection(); // the next request reconnects
        return e;
    }
    if (!q.next())
        return unauthorized(QStringLiteral("unknown API key"));
    const QByteArray stored = q.value(7).toString().toLatin1();
    // Constant time: how much of the hash matched must not show in the answer's timing.
    if (stored.size() != kHashHexLength || CRYPTO_memcmp(stored.constData(), hash.constData(), kHashHexLength) != 0)
        return unauthorized(QStringLiteral("unknown API key"));
    ApiKeyInfo key = infoFrom(q);
    if (key.revoked())
        return unauthorized(QStringLiteral("the API key %1 was revoked").arg(key.prefix));
    return key;
}

void ApiKeys::Private::remember(const QByteArray &hash, const Result<ApiKeyInfo> &outcome)
{
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex);
    if (cache.size() >= kMaxCacheEntries) {
        for (auto it = cache.begin(); it != cache.end();)
            it = it->until <= now ? cache.erase(it) : std::next(it);
        if (cache.size() >= kMaxCacheEntries)
            cache.clear();
    }
    Entry e{now + ttl, std::nullopt, {}};
    if (outcome)
        e.key = outcome.value();
    else
        e.refusal = outcome.error();
    cache.insert(hash, std::move(e));
}

// Records a use of `key` in the database unless this process did within the
// last minute (or the row says another one did).
void ApiKeys::Private::touch(ApiKeyInfo &key)
{
    const qint64 now = nowMs();
    {
        std::lock_guard lock(mutex);
        qint64 &written = lastUsedWritten[key.id];
        written = std::max(written, key.lastUsedMs);
        if (now - written < kLastUsedIntervalMs) {
            key.lastUsedMs = written;
            return;
        }
        written = now; // claimed: other threads skip this minute
    }
    key.lastUsedMs = now;
    auto db = store->connection();
    if (!db) {
        qCWarning(lcStore).noquote() << "cannot record the use of API key" << key.prefix << "-" << db.error().message;
        return;
    }
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("UPDATE api_keys SET last_used_ms = :t WHERE id = :id AND (last_used_ms IS NULL OR last_used_ms < :t2)"));
    q.bindValue(QStringLiteral(":t"), now);
    q.bindValue(QStringLiteral(":id"), key.id);
    q.bindValue(QStringLiteral(":t2"), now);
    if (!q.exec()) {
        qCWarning(lcStore).noquote() << "cannot record the use of API key" << key.prefix << "-" << q.lastError().text().trimmed();
        store->dropConnection();
    }
}

Result<ApiKeyInfo> ApiKeys::Private::byColumn(const QString &column, const QVariant &value)
{
    auto db = store->connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.prepare(QStringLiteral("UPDATE api_keys SET revoked_ms = :t WHERE %1 = :v AND revoked_ms IS NULL").arg(column));
    q.bindValue(QStringLiteral(":t"), nowMs());
    q.bindValue(QStringLiteral(":v"), value);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot revoke the API key"), q.lastError());
    q.prepare(QStringLiteral("SELECT %1 FROM api_keys WHERE %2 = :v").arg(kColumns, column));
    q.bindValue(QStringLiteral(":v"), value);
    if (!q.exec())
        return databaseError(QStringLiteral("cannot read the API key"), q.lastError());
    if (!q.next())
        return Error{ErrorCode::NotFound, QString()};
    return infoFrom(q);
}

void ApiKeys::Private::forget(qint64 id)
{
    std::lock_guard lock(mutex);
    for (auto it = cache.begin(); it != cache.end();)
        it = it->key && it->key->id == id ? cache.erase(it) : std::next(it);
}

ApiKeys::ApiKeys(std::shared_ptr<PredictionStore> store, std::chrono::milliseconds cacheTtl)
    : d(std::make_unique<Private>())
{
    d->store = std::move(store);
    d->ttl = std::max(cacheTtl, std::chrono::milliseconds(0));
}

ApiKeys::~ApiKeys() = default;

bool ApiKeys::isWellFormed(const QByteArray &token)
{
    if (token.size() != kKeyLength || !token.startsWith(kKeyStart))
        return false;
    for (int i = kKeyStartLength; i < kKeyStartLength + kPrefixLength; ++i) {
        if (!isLowerHex(token[i]))
            return false;
    }
    if (token[kKeyStartLength + kPrefixLength] != '_')
        return false;
    for (int i = kKeyStartLength + kPrefixLength + 1; i < kKeyLength; ++i) {
        if (!isBase64Url(token[i]))
            return false;
    }
    return true;
}

Result<NewApiKey> ApiKeys::create(const QString &rawName, int scopes)
{
    const QString name = rawName.trimmed();
    if (name.isEmpty() || name.size() > kMaxNameLength)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("an API key's name has 1 to %1 characters").arg(kMaxNameLength)};
    for (QChar c : name) {
        const auto cat = c.category();
        if (cat == QChar::Other_Control || cat == QChar::Separator_Line || cat == QChar::Separator_Paragraph)
            return Error{ErrorCode::InvalidArgument, QStringLiteral("an API key's name has no control characters")};
    }
    if (scopes == 0 || (scopes & ~kAllApiScopes) != 0)
        return Error{ErrorCode::InvalidArgument, QStringLiteral("an API key needs at least one scope (submit, read, feedback, admin)")};
    auto db = d->store->connection();
    if (!db)
        return db.error();
    for (int attempt = 1;; ++attempt) {
        std::array<quint32, 1> prefixWords;
        std::array<quint32, kSecretBytes / 4> secretWords;
        QRandomGenerator::system()->fillRange(prefixWords.data(), prefixWords.size());
        QRandomGenerator::system()->fillRange(secretWords.data(), secretWords.size());
        const QByteArray prefix = QByteArray(reinterpret_cast<const char *>(prefixWords.data()), 4).toHex();
        const QByteArray secret = QByteArray(reinterpret_cast<const char *>(secretWords.data()), kSecretBytes)
                                      .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        OPENSSL_cleanse(secretWords.data(), sizeof(secretWords));
        const QByteArray key = kKeyStart + prefix + '_' + secret;
        Q_ASSERT(isWellFormed(key));

        NewApiKey made;
        made.info.name = name;
        made.info.prefix = QString::fromLatin1(prefix);
        made.info.scopes = scopes;
        made.info.createdMs = nowMs();
        QSqlQuery q(db.value());
        q.prepare(QStringLiteral("INSERT INTO api_keys (name, prefix, key_sha256, scopes, created_ms)"
                                 " VALUES (:name, :prefix, :hash, :scopes, :t) RETURNING id"));
        q.bindValue(QStringLiteral(":name"), name);
        q.bindValue(QStringLiteral(":prefix"), made.info.prefix);
        q.bindValue(QStringLiteral(":hash"), QString::fromLatin1(keyHash(key)));
        q.bindValue(QStringLiteral(":scopes"), apiScopesText(scopes));
        q.bindValue(QStringLiteral(":t"), made.info.createdMs);
        if (q.exec() && q.next()) {
            made.info.id = q.value(0).toLongLong();
            made.secret = QString::fromLatin1(key);
            return made;
        }
        const QSqlError e = q.lastError();
        // A prefix already taken (one in four billion) gets another try; anything else is the database's.
        QSqlQuery taken(db.value());
        taken.prepare(QStringLiteral("SELECT COUNT(*) FROM api_keys WHERE prefix = :prefix"));
        taken.bindValue(QStringLiteral(":prefix"), made.info.prefix);
        if (attempt >= kCreateAttempts || !taken.exec() || !taken.next() || taken.value(0).toLongLong() == 0)
            return databaseError(QStringLiteral("cannot store the API key"), e);
    }
}

Result<QList<ApiKeyInfo>> ApiKeys::list()
{
    auto db = d->store->connection();
    if (!db)
        return db.error();
    QSqlQuery q(db.value());
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT %1 FROM api_keys ORDER BY id").arg(kColumns)))
        return databaseError(QStringLiteral("cannot read the API keys"), q.lastError());
    QList<ApiKeyInfo> keys;
    while (q.next())
        keys << infoFrom(q);
    return keys;
}

Result<ApiKeyInfo> ApiKeys::revoke(const QString &idOrPrefix)
{
    QString text = idOrPrefix.trimmed();
    const bool wholeKey = isWellFormed(text.toLatin1()) && text.size() == kKeyLength;
    if (wholeKey)
        text = text.mid(kKeyStartLength, kPrefixLength);
    bool isId = false;
    const qint64 id = text.toLongLong(&isId);
    isId = isId && id > 0 && !text.startsWith(QLatin1Char('+'));
    if (!isPrefix(text) && !isId)
        return Error{ErrorCode::InvalidArgument,
                     text.startsWith(QLatin1String(kKeyStart)) ? QStringLiteral("that is not an API key, nor its id or prefix")
                                                               : QStringLiteral("\"%1\" is neither an API key's id nor its prefix").arg(text.left(40))};
    // An id of 8 digits could also be a prefix: the prefix is tried first.
    std::optional<Result<ApiKeyInfo>> found;
    if (isPrefix(text)) {
        auto byPrefix = d->byColumn(QStringLiteral("prefix"), text);
        if (byPrefix || byPrefix.error().code != ErrorCode::NotFound)
            found = std::move(byPrefix);
    }
    if (!found && isId) {
        auto byId = d->byColumn(QStringLiteral("id"), id);
        if (byId || byId.error().code != ErrorCode::NotFound)
            found = std::move(byId);
    }
    if (!found)
        return Error{ErrorCode::NotFound, QStringLiteral("there is no API key with the %1 %2")
                                              .arg(isPrefix(text) ? QStringLiteral("prefix") : QStringLiteral("id"), text)};
    if (*found)
        d->forget(found->value().id);
    return std::move(*found);
}

Result<ApiKeyInfo> ApiKeys::verify(const QByteArray &token)
{
    if (!isWellFormed(token))
        return unauthorized(QStringLiteral("the API key is malformed (expected llk_ + 8 hex digits + _ + 43 base64url characters)"));
    const QByteArray hash = keyHash(token);
    std::optional<Result<ApiKeyInfo>> outcome;
    {
        std::lock_guard lock(d->mutex);
        const auto it = d->cache.constFind(hash);
        if (it != d->cache.cend() && it->until > std::chrono::steady_clock::now()) {
            if (it->key)
                outcome.emplace(*it->key);
            else
                outcome.emplace(it->refusal);
        }
    }
    if (!outcome) {
        outcome.emplace(d->lookup(token, hash));
        if (!*outcome && outcome->error().code == ErrorCode::DatabaseError)
            return outcome->error(); // not a verdict on the key: not cached
        d->remember(hash, *outcome);
    }
    if (!*outcome)
        return outcome->error();
    ApiKeyInfo key = outcome->value();
    d->touch(key);
    return key;
}

} // namespace listinglens
