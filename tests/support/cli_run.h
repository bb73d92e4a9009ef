#pragma once

// What the command-line test programs share: the real `listinglens`
// executable run as a user or a script would, its JSON lines read back, and
// a temporary folder for the files a test writes.

#include <QByteArray>
#include <QFile>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <initializer_list>

namespace listinglens::test {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// A program run to its end (killed after `timeoutMs`); its exit code -1 when it crashed.
Run runProgram(const QString &program, const QStringList &args, int timeoutMs = 120000);
// `listinglens` with `args`.
Run runCli(const QStringList &args, int timeoutMs = 120000);
// The keys of a JSON object, and a set of names to compare them with.
QSet<QString> keys(const QJsonObject &o);
QSet<QString> set(std::initializer_list<const char *> names);
// Each line of `out` as a JSON object; empty when a line is not one.
QList<QJsonObject> jsonLines(const QByteArray &out);
// A file of `text` with the given permissions (--db-file tests); empty on failure.
QString writeFile(const QString &path, const QByteArray &text, QFile::Permissions permissions);

// The base of each command-line test class.
class CliFixture : public QObject {
protected:
    // A sample photo by file name.
    static QString photo(const char *name);

    QTemporaryDir m_dir;
};

} // namespace listinglens::test
