#pragma once

#include <QString>

#include <optional>

namespace listinglens::ui {

// The database password in the session keyring (QtKeychain: the Secret Service,
// KWallet, ...), so that QSettings keeps only the URL without it. Built without
// QtKeychain, or with no keyring running (a headless machine, CI), available()
// is false and the caller keeps the password in QSettings, saying so.
//
// Every call runs on the GUI thread and waits for its keychain job in a local
// event loop (the keyring answers over D-Bus in milliseconds; 10 s at most).
// Passwords are never logged; errors name only the entry.
class PasswordKeyring {
public:
    // Whether a keyring answers (probed once per process). False when built
    // without QtKeychain or when $LISTINGLENS_NO_KEYRING is set (tests).
    static bool available();
    // The password stored under `key`; nullopt when there is none or no keyring.
    static std::optional<QString> read(const QString &key);
    // False when it could not be stored (no keyring, refused, timed out).
    static bool write(const QString &key, const QString &password);
    static void remove(const QString &key);
};

} // namespace listinglens::ui
