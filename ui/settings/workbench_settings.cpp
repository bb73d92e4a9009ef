#include "workbench_settings.h"

#include "database_url.h"
#include "environment.h"
#include "password_keyring.h"

#include <QSettings>

namespace listinglens::ui {

namespace {

const QString kUrlKey = QStringLiteral("database/url");
const QString kInKeyringKey = QStringLiteral("database/passwordInKeyring");

} // namespace

QString WorkbenchSettings::settingsFile()
{
    return QSettings().fileName();
}

WorkbenchSettings WorkbenchSettings::load()
{
    QSettings s;
    WorkbenchSettings w;
    w.modelDir = s.value(QStringLiteral("model/dir")).toString();
    w.device = s.value(QStringLiteral("model/device"), w.device).toString();
    w.threads = std::clamp(s.value(QStringLiteral("model/threads"), 0).toInt(), 0, 256);
    w.batchSize = std::clamp(s.value(QStringLiteral("model/batch"), 8).toInt(), 1, 256);
    w.databaseUrl = s.value(kUrlKey).toString();
    if (s.value(kInKeyringKey).toBool()) {
        // Without an answer the URL stays without its password: the connection
        // is refused, and Settings shows an empty password field to fill in.
        if (const auto password = PasswordKeyring::read(w.databaseUrl))
            w.databaseUrl = databaseUrlWithPassword(w.databaseUrl, *password);
    }
    w.currency = s.value(QStringLiteral("display/currency"), w.currency).toString();
    w.theme = s.value(QStringLiteral("display/theme"), w.theme).toString();
    w.moderator = s.value(QStringLiteral("review/moderator")).toString().trimmed();
    return w;
}

void WorkbenchSettings::save() const
{
    QSettings s;
    s.setValue(QStringLiteral("model/dir"), modelDir);
    s.setValue(QStringLiteral("model/device"), device);
    s.setValue(QStringLiteral("model/threads"), threads);
    s.setValue(QStringLiteral("model/batch"), batchSize);
    // The keyring entry is named by the URL without its password (one per database).
    const QString password = databasePassword(databaseUrl);
    const QString bare = databaseUrlWithoutPassword(databaseUrl);
    const QString previousKey = s.value(kUrlKey).toString();
    if (s.value(kInKeyringKey).toBool() && (previousKey != bare || password.isEmpty()))
        PasswordKeyring::remove(previousKey);
    const bool inKeyring = !password.isEmpty() && PasswordKeyring::write(bare, password);
    s.setValue(kUrlKey, inKeyring ? bare : databaseUrl); // else in plain text, as the dialog said
    s.setValue(kInKeyringKey, inKeyring);
    s.setValue(QStringLiteral("display/theme"), theme);
    s.setValue(QStringLiteral("review/moderator"), moderator.trimmed());
}

void WorkbenchSettings::saveCurrency(const QString &databaseCurrency)
{
    QSettings().setValue(QStringLiteral("display/currency"), databaseCurrency);
}

QString WorkbenchSettings::moderatorName() const
{
    const QString name = moderator.trimmed();
    return name.isEmpty() ? moderatorFromEnvironment() : name;
}

bool WorkbenchSettings::modelChanged(const WorkbenchSettings &o) const
{
    return modelDir != o.modelDir || device != o.device || threads != o.threads;
}

} // namespace listinglens::ui
