// The repository's text: documents, help texts and comments describe the
// product as it is (no issue numbers, no sessions or rounds of work), the
// README stays a front door, links between documents resolve, and docs/api.md
// names exactly the paths and methods of resources/openapi.json.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

namespace {

const QString kSource = QStringLiteral(LISTINGLENS_SOURCE_DIR);

// What speaks of how the product was made rather than what it is. The
// phrases are split in this file's own text so that it passes itself.
const QList<QRegularExpression> &historyPatterns()
{
    static const QList<QRegularExpression> patterns = [] {
        QList<QRegularExpression> list;
        for (const char *p : {
                 R"(\bissues?\s*#?\s*[0-9])",                                        // a number after the word
                 R"(\bthe\s+issue('s)?\b)",                                          // the request a change came from
                 R"(\b(this|previous|last|earlier|next)\s+session('s)?\b)",         // a working session
                 R"(\b(this|previous|last|earlier|next)\s+round\b|\bthe\s+round\s+before\b)",
                 R"(\bat\s+the\s+start\s+of\s+this\s+work\b)",
                 R"(\bbefore\s+the\s+change\b)",
             })
            list << QRegularExpression(QString::fromLatin1(p), QRegularExpression::CaseInsensitiveOption);
        return list;
    }();
    return patterns;
}

QStringList historyIn(const QString &line)
{
    QStringList found;
    for (const QRegularExpression &p : historyPatterns()) {
        const QRegularExpressionMatch m = p.match(line);
        if (m.hasMatch())
            found << m.captured(0);
    }
    return found;
}

// Text files of the repository: everything under the source tree but build
// folders, hidden folders and the fuzzers' seed corpora, that holds no NUL.
QStringList repositoryTextFiles()
{
    QStringList files;
    QDirIterator it(kSource, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = QDir(kSource).relativeFilePath(path);
        const QString top = relative.section(QLatin1Char('/'), 0, 0);
        if (top.startsWith(QLatin1String("build")) || relative.contains(QLatin1String("/.")) || relative.startsWith(QLatin1Char('.'))
            || relative.startsWith(QLatin1String("tests/fuzz/corpus/")) || it.fileInfo().size() > 4 * 1024 * 1024)
            continue;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly) || f.peek(8192).contains('\0'))
            continue;
        files << relative;
    }
    files.sort();
    return files;
}

QStringList markdownFiles()
{
    QStringList files{QStringLiteral("README.md"), QStringLiteral("packaging/README.md")};
    QDirIterator it(kSource + QStringLiteral("/docs"), {QStringLiteral("*.md")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(kSource).relativeFilePath(it.next());
    files.sort();
    return files;
}

QString readAll(const QString &relative)
{
    QFile f(kSource + QLatin1Char('/') + relative);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// A heading's anchor as GitHub writes it: lower case, punctuation dropped,
// spaces turned into hyphens.
QString anchorOf(QString heading)
{
    heading = heading.toLower();
    QString out;
    for (const QChar c : heading) {
        if (c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_'))
            out += c;
        else if (c == QLatin1Char(' '))
            out += QLatin1Char('-');
    }
    return out;
}

QSet<QString> anchorsIn(const QString &markdown)
{
    QSet<QString> anchors;
    static const QRegularExpression heading(QStringLiteral(R"(^#{1,6}\s+(.+?)\s*$)"), QRegularExpression::MultilineOption);
    bool fenced = false;
    for (const QString &line : markdown.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("```")))
            fenced = !fenced;
        const QRegularExpressionMatch m = heading.match(line);
        if (!fenced && m.hasMatch())
            anchors << anchorOf(m.captured(1));
    }
    return anchors;
}

} // namespace

class TestDocumentation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The patterns themselves: each history phrase is caught, product words are not.
    void historyPatternsCatchHistory_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("history");
        QTest::newRow("issue number") << QStringLiteral("measured (iss" "ue 16)") << true;
        QTest::newRow("capital issue") << QStringLiteral("// Iss" "ue 11, 7: a truncated JPEG") << true;
        QTest::newRow("issue's") << QStringLiteral("short of iss" "ue 14's 10x") << true;
        QTest::newRow("the request") << QStringLiteral("libmicrohttpd, the iss" "ue's first suggestion") << true;
        QTest::newRow("working session") << QStringLiteral("This ses" "sion's is a 2-vCPU machine") << true;
        QTest::newRow("earlier working session") << QStringLiteral("in the previous ses" "sion on a VM") << true;
        QTest::newRow("round of work") << QStringLiteral("Changes of this rou" "nd, each measured") << true;
        QTest::newRow("round before") << QStringLiteral("and before the rou" "nd before, 26 jobs/s") << true;
        QTest::newRow("start of work") << QStringLiteral("0.211 at the start of this wo" "rk") << true;
        QTest::newRow("before a change") << QStringLiteral("Before the cha" "nge below it gave 44") << true;
        QTest::newRow("session folder") << QStringLiteral("ui/session/session.h owns the threads") << false;
        QTest::newRow("session keyring") << QStringLiteral("the password goes to the session keyring") << false;
        QTest::newRow("tissue") << QStringLiteral("tissue 3 ply") << false;
        QTest::newRow("round trips") << QStringLiteral("four round trips to PostgreSQL") << false;
    }
    void historyPatternsCatchHistory()
    {
        QFETCH(QString, text);
        QFETCH(bool, history);
        QCOMPARE(!historyIn(text).isEmpty(), history);
    }

    void noHistoryInRepositoryText_data()
    {
        QTest::addColumn<QString>("file");
        const QStringList files = repositoryTextFiles();
        QVERIFY2(files.size() > 100, qPrintable(QStringLiteral("only %1 text files under %2").arg(files.size()).arg(kSource)));
        QVERIFY(files.contains(QStringLiteral("README.md")));
        QVERIFY(files.contains(QStringLiteral("app/desktop/main.cpp")));
        for (const QString &file : files)
            QTest::newRow(qPrintable(file)) << file;
    }
    void noHistoryInRepositoryText()
    {
        QFETCH(QString, file);
        const QStringList lines = readAll(file).split(QLatin1Char('\n'));
        QStringList found;
        for (int i = 0; i < lines.size(); ++i) {
            const QStringList phrases = historyIn(lines[i]);
            if (!phrases.isEmpty())
                found << QStringLiteral("%1:%2: \"%3\"").arg(file).arg(i + 1).arg(phrases.join(QLatin1String("\", \"")));
        }
        QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("text about how the product was made, not what it is:\n")
                                             + found.join(QLatin1Char('\n'))));
    }

    void readmeIsAFrontDoor()
    {
        const QString readme = readAll(QStringLiteral("README.md"));
        QVERIFY(!readme.isEmpty());
        const int lines = int(readme.count(QLatin1Char('\n')));
        QVERIFY2(lines <= 250, qPrintable(QStringLiteral("README.md has %1 lines; manuals belong in docs/").arg(lines)));
        QVERIFY(readme.contains(QLatin1String("bash scripts/run.sh")));
        QVERIFY(readme.contains(QLatin1String("bash scripts/test.sh")));
        QVERIFY(readme.contains(QLatin1String("docs/screenshots/")));
    }

    // Every relative link of a document points at a file that exists, and
    // every #anchor at a heading of it.
    void linksResolve_data()
    {
        QTest::addColumn<QString>("file");
        for (const QString &file : markdownFiles())
            QTest::newRow(qPrintable(file)) << file;
    }
    void linksResolve()
    {
        QFETCH(QString, file);
        const QString text = readAll(file);
        QVERIFY(!text.isEmpty());
        static const QRegularExpression link(QStringLiteral(R"(\]\(([^)\s]+)\))"));
        const QDir here = QFileInfo(kSource + QLatin1Char('/') + file).dir();
        QStringList broken;
        for (auto it = link.globalMatch(text); it.hasNext();) {
            const QString target = it.next().captured(1);
            if (target.contains(QLatin1String("://")) || target.startsWith(QLatin1String("mailto:")))
                continue;
            const QString path = target.section(QLatin1Char('#'), 0, 0);
            const QString anchor = target.section(QLatin1Char('#'), 1);
            const QString resolved = path.isEmpty() ? QFileInfo(kSource + QLatin1Char('/') + file).absoluteFilePath()
                                                    : QDir::cleanPath(here.absoluteFilePath(path));
            if (!QFileInfo::exists(resolved)) {
                broken << target + QStringLiteral(" (no such file)");
                continue;
            }
            if (!anchor.isEmpty() && resolved.endsWith(QLatin1String(".md"))) {
                QFile f(resolved);
                if (!f.open(QIODevice::ReadOnly) || !anchorsIn(QString::fromUtf8(f.readAll())).contains(anchor))
                    broken << target + QStringLiteral(" (no such heading)");
            }
        }
        QVERIFY2(broken.isEmpty(), qPrintable(file + QStringLiteral(": ") + broken.join(QLatin1String(", "))));
    }

    // Every file or folder of the repository a document names exists.
    void namedFilesExist_data() { linksResolve_data(); }
    void namedFilesExist()
    {
        QFETCH(QString, file);
        static const QRegularExpression named(
            QStringLiteral(R"((?<![\w./-])((?:app|benchkit|core|docs|packaging|resources|scripts|services|tests|ui)/[A-Za-z0-9_./@-]*[A-Za-z0-9_/]))"));
        QStringList missing;
        for (auto it = named.globalMatch(readAll(file)); it.hasNext();) {
            const QString path = it.next().captured(1);
            const QFileInfo info(kSource + QLatin1Char('/') + path);
            const bool stem = !info.dir().entryList({info.fileName() + QStringLiteral(".*")}, QDir::Files).isEmpty(); // http_server.*
            if (!info.exists() && !stem && !missing.contains(path))
                missing << path;
        }
        QVERIFY2(missing.isEmpty(), qPrintable(file + QStringLiteral(" names what is not there: ") + missing.join(QLatin1String(", "))));
    }

    // docs/api.md names each path and method of the OpenAPI document, and no other.
    void apiDocMatchesOpenApi()
    {
        QFile specFile(kSource + QStringLiteral("/resources/openapi.json"));
        QVERIFY(specFile.open(QIODevice::ReadOnly));
        const QJsonObject paths = QJsonDocument::fromJson(specFile.readAll()).object().value(QStringLiteral("paths")).toObject();
        QVERIFY(!paths.isEmpty());
        QSet<QString> spec;
        static const QSet<QString> methods{QStringLiteral("get"), QStringLiteral("post"), QStringLiteral("put"),
                                           QStringLiteral("delete"), QStringLiteral("patch"), QStringLiteral("head"),
                                           QStringLiteral("options")};
        for (auto p = paths.begin(); p != paths.end(); ++p)
            for (const QString &method : p.value().toObject().keys())
                if (methods.contains(method))
                    spec << method.toUpper() + QLatin1Char(' ') + p.key();

        const QString doc = readAll(QStringLiteral("docs/api.md"));
        QVERIFY(!doc.isEmpty());
        static const QRegularExpression named(QStringLiteral(R"(\b(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\s+(/[A-Za-z0-9_.{}/-]*))"));
        QSet<QString> documented;
        for (auto it = named.globalMatch(doc); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            documented << m.captured(1) + QLatin1Char(' ') + m.captured(2);
        }
        QStringList missing = QStringList(spec.begin(), spec.end());
        missing.erase(std::remove_if(missing.begin(), missing.end(), [&](const QString &s) { return documented.contains(s); }), missing.end());
        QStringList extra = QStringList(documented.begin(), documented.end());
        extra.erase(std::remove_if(extra.begin(), extra.end(), [&](const QString &s) { return spec.contains(s); }), extra.end());
        missing.sort();
        extra.sort();
        QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("docs/api.md does not name: ") + missing.join(QLatin1String(", "))));
        QVERIFY2(extra.isEmpty(), qPrintable(QStringLiteral("docs/api.md names what openapi.json lacks: ") + extra.join(QLatin1String(", "))));
    }
};

QTEST_GUILESS_MAIN(TestDocumentation)
#include "tst_documentation.moc"
