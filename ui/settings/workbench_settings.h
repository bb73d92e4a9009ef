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
    QString currency = QStringLiteral("EUR");
    QString theme = QStringLiteral("system"); // system, light, dark

    static WorkbenchSettings load();
    void save() const;
    bool modelChanged(const WorkbenchSettings &other) const;
    // The QSettings file (shown when the password has to be kept there).
    static QString settingsFile();
};

// Whether it is a postgresql:// (or postgres://) URL that parses.
bool isPostgresUrl(const QString &url);
// A PostgreSQL URL's password, and the URL without it / with another one
// (other URLs are returned as they are, password empty).
QString databasePassword(const QString &url);
QString databaseUrlWithoutPassword(const QString &url);
QString databaseUrlWithPassword(const QString &url, const QString &password);

} // namespace listinglens::ui
