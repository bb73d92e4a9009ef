#include "password_keyring.h"

#include "environment.h"

#include <QLoggingCategory>

#ifdef LISTINGLENS_HAVE_QTKEYCHAIN
#include <QEventLoop>
#include <QTimer>

#include <qt6keychain/keychain.h>
#endif

Q_LOGGING_CATEGORY(lcKeyring, "listinglens.keyring")

namespace listinglens::ui {

namespace {

#ifdef LISTINGLENS_HAVE_QTKEYCHAIN
const QString kService = QStringLiteral("ListingLens");

struct Outcome {
    bool finished = false;
    QKeychain::Error error = QKeychain::OtherError;
    QString errorString;
    QString text;
    bool ok() const { return finished && error == QKeychain::NoError; }
};

// Starts the job (it deletes itself once finished) and waits for it, 10 s at most.
Outcome runJob(QKeychain::Job *job, const QString &key)
{
    job->setKey(key);
    job->setInsecureFallback(false); // a plain-text fallback is ours to make, and to show
    Outcome outcome;
    QEventLoop loop;
    // The connection's context is the loop: a job that ends after the timeout finds nobody.
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&outcome, &loop](QKeychain::Job *j) {
        outcome.finished = true;
        outcome.error = j->error();
        outcome.errorString = j->errorString();
        if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(j))
            outcome.text = read->textData();
        loop.quit();
    });
    QTimer::singleShot(10'000, &loop, &QEventLoop::quit);
    job->start();
    if (!outcome.finished) // some backends answer at once
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    if (!outcome.finished)
        outcome.errorString = QStringLiteral("no answer in 10 s");
    return outcome;
}

bool disabled()
{
    return keyringDisabledByEnvironment();
}
#endif

} // namespace

bool PasswordKeyring::available()
{
#ifdef LISTINGLENS_HAVE_QTKEYCHAIN
    if (disabled())
        return false;
    static const bool answers = [] {
        // Reading an entry that need not exist tells a keyring that answers from none.
        const Outcome probe = runJob(new QKeychain::ReadPasswordJob(kService), QStringLiteral("availability-probe"));
        const bool ok = probe.ok() || (probe.finished && probe.error == QKeychain::EntryNotFound);
        if (!ok)
            qCInfo(lcKeyring) << "no session keyring:" << probe.errorString;
        return ok;
    }();
    return answers;
#else
    return false;
#endif
}

std::optional<QString> PasswordKeyring::read(const QString &key)
{
#ifdef LISTINGLENS_HAVE_QTKEYCHAIN
    if (!available())
        return std::nullopt;
    const Outcome read = runJob(new QKeychain::ReadPasswordJob(kService), key);
    if (!read.ok()) {
        qCWarning(lcKeyring) << "the keyring has no password for" << key << read.errorString;
        return std::nullopt;
    }
    return read.text;
#else
    Q_UNUSED(key)
    return std::nullopt;
#endif
}

bool PasswordKeyring::write(const QString &key, const QString &password)
{
#ifdef LISTINGLENS_HAVE_QTKEYCHAIN
    if (!available())
        return false;
    auto *job = new QKeychain::WritePasswordJob(kService);
    job->setTextData(password);
    const Outcome written = runJob(job, key);
    if (!written.ok())
        qCWarning(lcKeyring) << "the keyring did not store the password for" << key << written.errorString;
    return written.ok();
#else
    Q_UNUSED(key)
    Q_UNUSED(password)
    return false;
#endif
}

void PasswordKeyring::remove(const QString &key)
{
#ifdef LISTINGLENS_HAVE_QTKEYCHAIN
    if (!available())
        return;
    runJob(new QKeychain::DeletePasswordJob(kService), key);
#else
    Q_UNUSED(key)
#endif
}

} // namespace listinglens::ui
