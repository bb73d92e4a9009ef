#include "settings_fixture.h"

#include "fixtures.h"
#include "prediction_store.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSqlQuery>

namespace listinglens::test {

qint64 storedResults(const QString &url)
{
    auto store = PredictionStore::open(url);
    if (!store)
        return -1;
    auto db = store.value()->connection();
    if (!db)
        return -1;
    QSqlQuery q(db.value());
    return q.exec(QStringLiteral("SELECT COUNT(*) FROM predictions")) && q.next() ? q.value(0).toLongLong() : -1;
}

QString noteText(const ui::SettingsDialog &dialog, const char *name)
{
    const auto *label = dialog.findChild<QLabel *>(QString::fromLatin1(name));
    return label && label->isVisible() ? label->text() : QString();
}

ScopedEnv::ScopedEnv(const char *name, const QByteArray &value) : m_name(name), m_had(qEnvironmentVariableIsSet(name)), m_old(qgetenv(name))
{
    if (value.isNull())
        qunsetenv(name);
    else
        qputenv(name, value);
}

ScopedEnv::~ScopedEnv()
{
    if (m_had)
        qputenv(m_name, m_old);
    else
        qunsetenv(m_name);
}

void SettingsFixture::setUpCase(const QString &program)
{
    isolateSettings(program);
    qputenv("LISTINGLENS_NO_KEYRING", "1");
    QVERIFY(m_dir.isValid());
    QVERIFY(!qEnvironmentVariableIsEmpty("LISTINGLENS_MODEL_DIR")); // set by ctest (tests/CMakeLists.txt)
}

void SettingsFixture::setUpTest()
{
    QSettings().clear();
    m_dbUrl = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("%1.sqlite").arg(QString::fromLatin1(QTest::currentTestFunction())));
    qputenv("LISTINGLENS_DB", m_dbUrl.toUtf8());
}

void SettingsFixture::openWindow()
{
    m_window = test::openWindow(qEnvironmentVariable("LISTINGLENS_DB")); // as the test set it
    QVERIFY(m_window);
}

QPushButton *SettingsFixture::okButton(ui::SettingsDialog *dialog)
{
    return dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

} // namespace listinglens::test
