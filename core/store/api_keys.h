#pragma once

#include "error.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <chrono>
#include <memory>

namespace listinglens {

class PredictionStore;

// What a key may do; a key holds any combination. Admin allows everything.
enum class ApiScope { Submit = 1, Read = 2, Feedback = 4, Admin = 8 };
inline constexpr int kAllApiScopes = 1 | 2 | 4 | 8;

// "submit,read" (names: submit, read, feedback, admin; spaces around commas
// allowed) to a set of ApiScope bits; an error for an empty list or an unknown name.
Result<int> parseApiScopes(const QString &text);
// The bits as "submit,read,feedback,admin" (in that order, only those set).
QString apiScopesText(int scopes);

// A key as stored: everything but the secret.
struct ApiKeyInfo {
    qint64 id = 0;
    QString name;
    QString prefix;       // 8 lowercase hex digits, the key's public part
    int scopes = 0;       // ApiScope bits
    qint64 createdMs = 0;
    qint64 revokedMs = 0; // 0: not revoked
    qint64 lastUsedMs = 0; // 0: never used (written at most once a minute)

    bool allows(ApiScope scope) const; // admin allows every scope
    bool revoked() const { return revokedMs > 0; }
};

struct NewApiKey {
    ApiKeyInfo info;
    QString secret; // the whole key, "llk_<prefix>_<secret>": shown once, never stored
};

// API keys of the HTTP API, in the store's table api_keys (schema version 5).
// A key is "llk_" + 8 lowercase hex digits (the prefix, which finds the row) +
// "_" + 32 random bytes in base64url without padding: 56 ASCII characters.
// Only the SHA-256 of the whole key is stored.
//
// Thread-safe: every method may be called from any thread, at once; each uses
// the calling thread's connection of the store. verify() keeps what it found
// (keys and refusals) for cacheTtl, so a revocation made elsewhere (the CLI,
// another serve process) takes effect within cacheTtl (default 5 s); one made
// through this object takes effect at once.
class ApiKeys {
public:
    static constexpr std::chrono::milliseconds kDefaultCacheTtl{5000};

    explicit ApiKeys(std::shared_ptr<PredictionStore> store, std::chrono::milliseconds cacheTtl = kDefaultCacheTtl);
    ~ApiKeys();
    ApiKeys(const ApiKeys &) = delete;
    ApiKeys &operator=(const ApiKeys &) = delete;

    // A new key; name: 1 to 100 characters, no control characters (trimmed);
    // scopes: ApiScope bits, at least one. InvalidArgument otherwise.
    Result<NewApiKey> create(const QString &name, int scopes);
    // Every key, revoked ones too, oldest first.
    Result<QList<ApiKeyInfo>> list();
    // Revokes the key with this prefix (tried first) or id; NotFound if there is
    // none. Revoking a revoked key changes nothing and returns it.
    Result<ApiKeyInfo> revoke(const QString &idOrPrefix);
    // The key a bearer token names (the token alone, without "Bearer ").
    // Unauthorized when the token is malformed (checked before the database is
    // asked), unknown, or revoked; DatabaseError when the store cannot answer.
    // Records the key's last use at most once a minute.
    Result<ApiKeyInfo> verify(const QByteArray &token);

    // The key format, for callers that want to tell a key from other text.
    static bool isWellFormed(const QByteArray &token);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace listinglens
