#pragma once

#include <QString>

namespace listinglens::ui {

// The workbench's settings, kept in QSettings. The database password is kept
// apart: in the session keyring when there is one (PasswordKeyring), QSettings
// then holding the URL without it; else, in plain text in QSettings, which the
// Settings dialog says.
struct WorkbenchSettings {
    QString modelDir;        // empty: the default model directory
    QString device = QStringLiteral("auto");
    int threads = 0;         // 0: automatic
    int batchSize = 8;
    QString databaseUrl;     // with its password; empty: $LISTINGLENS_DB, else the embedded file
    QString currency = QStringLiteral("EUR"); // the database's, as it last said (saveCurrency)
    QString theme = QStringLiteral("system"); // system, light, dark
    QString moderator;       // the name stored with every decision; empty: $USER, else "moderator"

    // The name decisions are stored under: the setting, else the environment's.
    QString moderatorName() const;

    static WorkbenchSettings load();
    // Everything but the currency: the one chosen is the database's to take or refuse,
    // and only the one it has is written (saveCurrency), never a refused one.
    void save() const;
    static void saveCurrency(const QString &databaseCurrency);
    bool modelChanged(const WorkbenchSettings &other) const;
    // The QSettings file (shown when the password has to be kept there).
    static QString settingsFile();
};

} // namespace listinglens::ui
