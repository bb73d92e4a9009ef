// The size of the product's code: no source file over 500 lines, no function
// over 80 lines (60 in app/, where only argument parsing and wiring belong).
// Tests keep to the file rule too (a program grown past it is split by area);
// their functions are exempt from the function rule. The scanner reads C++ the way a reader
// counts a function: from the line of its name to its closing brace, lambdas
// and local classes inside it included.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

namespace {

const QString kSource = QStringLiteral(LISTINGLENS_SOURCE_DIR);
constexpr int kFileLines = 500;
constexpr int kFunctionLines = 80;
constexpr int kAppFunctionLines = 60;

struct Function {
    QString name;
    int firstLine = 0; // 1-based: the line of its name
    int lines = 0;
};

// The text with comments, string and character literals and preprocessor
// lines blanked out (newlines kept, so line numbers stay).
QString codeOnly(const QString &text)
{
    QString out = text;
    const qsizetype n = text.size();
    auto blank = [&](qsizetype from, qsizetype to) {
        for (qsizetype k = from; k < to && k < n; ++k) {
            if (out[k] != QLatin1Char('\n'))
                out[k] = QLatin1Char(' ');
        }
    };
    bool lineStart = true;
    qsizetype i = 0;
    while (i < n) {
        const QChar c = text[i];
        const QChar next = i + 1 < n ? text[i + 1] : QChar();
        if (lineStart && c == QLatin1Char('#')) { // a directive, with its continuation lines
            qsizetype end = i;
            while (end < n && !(text[end] == QLatin1Char('\n') && text[end - 1] != QLatin1Char('\\')))
                ++end;
            blank(i, end);
            i = end;
            continue;
        }
        if (c == QLatin1Char('\n'))
            lineStart = true;
        else if (!c.isSpace())
            lineStart = false;
        if (c == QLatin1Char('/') && next == QLatin1Char('/')) {
            const qsizetype end = text.indexOf(QLatin1Char('\n'), i);
            blank(i, end < 0 ? n : end);
            i = end < 0 ? n : end;
        } else if (c == QLatin1Char('/') && next == QLatin1Char('*')) {
            const qsizetype end = text.indexOf(QLatin1String("*/"), i + 2);
            blank(i, end < 0 ? n : end + 2);
            i = end < 0 ? n : end + 2;
        } else if (c == QLatin1Char('R') && next == QLatin1Char('"') && (i == 0 || !text[i - 1].isLetterOrNumber())) {
            const qsizetype open = text.indexOf(QLatin1Char('('), i + 2);
            const QString closing = QLatin1Char(')') + text.mid(i + 2, open - i - 2) + QLatin1Char('"');
            const qsizetype end = open < 0 ? -1 : text.indexOf(closing, open);
            blank(i, end < 0 ? n : end + closing.size());
            i = end < 0 ? n : end + closing.size();
        } else if (c == QLatin1Char('"')
                   || (c == QLatin1Char('\'') && !(i > 0 && text[i - 1].isDigit() && next.isLetterOrNumber()))) {
            qsizetype k = i + 1;
            while (k < n && text[k] != c && text[k] != QLatin1Char('\n'))
                k += text[k] == QLatin1Char('\\') ? 2 : 1;
            blank(i, k + 1);
            i = k + 1;
        } else {
            ++i;
        }
    }
    return out;
}

enum class Scope { Namespace, Class, Function, Other };

// What a brace opened at namespace or class level opens, from the text
// since the statement before it.
Scope scopeOf(const QString &header)
{
    static const QRegularExpression space(QStringLiteral("\\bnamespace\\b|\\bextern\\s*$"));
    static const QRegularExpression type(QStringLiteral("^(template\\s*<.*>\\s*)?[^(]*\\b(class|struct|union)\\b"));
    static const QRegularExpression enumeration(QStringLiteral("\\benum\\b"));
    static const QRegularExpression assignment(QStringLiteral("[^=!<>]=[^=]"));
    const QString h = header.simplified();
    if (space.match(h).hasMatch())
        return Scope::Namespace;
    if (type.match(h).hasMatch() && !h.contains(QLatin1Char('(')))
        return Scope::Class;
    if (enumeration.match(h).hasMatch() || !h.contains(QLatin1Char('(')))
        return Scope::Other;
    const qsizetype paren = h.indexOf(QLatin1Char('('));
    const QString before = h.left(paren).remove(QRegularExpression(QStringLiteral("operator\\s*\\S+\\s*$")));
    const QString after = h.mid(h.lastIndexOf(QLatin1Char(')')));
    if (assignment.match(QLatin1Char(' ') + before).hasMatch() || (assignment.match(after).hasMatch() && !after.contains(QLatin1Char(':'))))
        return Scope::Other; // an initialiser
    return Scope::Function;
}

// The name of the function a header declares: what precedes its first
// parenthesis at the top level.
QString nameIn(const QString &header, qsizetype *at)
{
    const qsizetype paren = header.indexOf(QLatin1Char('('));
    static const QRegularExpression name(QStringLiteral("((?:[A-Za-z0-9_]+::)*operator\\s*[^\\s(]+|[~A-Za-z0-9_:]+)\\s*$"));
    const QRegularExpressionMatch m = name.match(header.left(paren));
    *at = m.hasMatch() ? m.capturedStart(1) : 0;
    return m.hasMatch() ? m.captured(1) : header.simplified().left(40);
}

QList<Function> functionsIn(const QString &text)
{
    const QString code = codeOnly(text);
    QList<Function> found;
    QList<Scope> scopes;
    qsizetype headerStart = 0;
    int line = 1;
    QList<int> openedAt;           // the line where each function opened
    QList<QString> openedName;
    int depthInFunction = 0;       // braces open inside the outermost function
    for (qsizetype i = 0; i < code.size(); ++i) {
        const QChar c = code[i];
        if (c == QLatin1Char('\n'))
            ++line;
        const bool inOther = depthInFunction == 0 && !scopes.isEmpty() && scopes.last() == Scope::Other;
        const bool inside = depthInFunction > 0 || inOther;
        if (c == QLatin1Char('{')) {
            if (depthInFunction > 0) {
                ++depthInFunction;
                continue;
            }
            if (inOther) {
                scopes << Scope::Other;
                continue;
            }
            const QString header = code.mid(headerStart, i - headerStart);
            const QString trimmed = header.trimmed();
            // A member initialised with braces in a constructor's list: part of the header.
            static const QRegularExpression initList(QStringLiteral("\\)\\s*:[^:]"));
            const bool inInitList = trimmed.contains(initList);
            if (inInitList && !trimmed.isEmpty() && (trimmed.back().isLetterOrNumber() || trimmed.back() == QLatin1Char('_'))) {
                int depth = 1;
                while (depth > 0 && ++i < code.size()) {
                    depth += code[i] == QLatin1Char('{') ? 1 : code[i] == QLatin1Char('}') ? -1 : 0;
                    line += code[i] == QLatin1Char('\n') ? 1 : 0;
                }
                continue;
            }
            const Scope scope = scopeOf(header);
            if (scope == Scope::Function) {
                qsizetype at = 0;
                const QString name = nameIn(header, &at);
                openedAt << line - int(header.mid(at).count(QLatin1Char('\n')));
                openedName << name;
                depthInFunction = 1;
            } else {
                scopes << scope;
            }
            headerStart = i + 1;
        } else if (c == QLatin1Char('}')) {
            if (depthInFunction > 0) {
                if (--depthInFunction == 0) {
                    found << Function{openedName.takeLast(), openedAt.last(), line - openedAt.last() + 1};
                    openedAt.removeLast();
                    headerStart = i + 1;
                }
                continue;
            }
            if (!scopes.isEmpty())
                scopes.removeLast();
            headerStart = i + 1;
        } else if (!inside && c == QLatin1Char(';')) {
            headerStart = i + 1;
        } else if (!inside && c == QLatin1Char(':') && scopes.value(scopes.size() - 1, Scope::Namespace) == Scope::Class) {
            // An access label ends a header in a class (public:, Q_SIGNALS:).
            static const QRegularExpression label(QStringLiteral("^\\s*(public|protected|private|Q_SIGNALS|Q_SLOTS|signals|slots)(\\s+(Q_SLOTS|slots))?\\s*$"));
            if (label.match(code.mid(headerStart, i - headerStart)).hasMatch())
                headerStart = i + 1;
        }
    }
    return found;
}

// Every C++ source in the repository but the build folders, the tests' included or not.
QStringList sources(bool withTests)
{
    QStringList files;
    QDirIterator it(kSource, {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString relative = QDir(kSource).relativeFilePath(it.next());
        if (relative.startsWith(QLatin1String("build")) || relative.startsWith(QLatin1Char('.')) || relative.contains(QLatin1String("/."))
            || (!withTests && relative.startsWith(QLatin1String("tests/"))))
            continue;
        files << relative;
    }
    files.sort();
    return files;
}

// The product's sources: everything but the tests and build folders.
QStringList productSources()
{
    return sources(false);
}

QString read(const QString &relative)
{
    QFile file(kSource + QLatin1Char('/') + relative);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

} // namespace

class CodeSizeTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void scannerCountsFunctions_data();
    void scannerCountsFunctions();
    void sourcesFound();
    void filesAreShort();
    void functionsAreShort();
};

void CodeSizeTest::scannerCountsFunctions_data()
{
    QTest::addColumn<QString>("code");
    QTest::addColumn<QStringList>("expected"); // name:lines, in order of their end

    QTest::newRow("free function") << QStringLiteral("int f(int a)\n{\n    return a;\n}\n") << QStringList{QStringLiteral("f:4")};
    QTest::newRow("members, a class between") << QStringLiteral(
        "namespace a {\nclass C {\npublic:\n    int g() const { return 1; }\nQ_SIGNALS:\n    void s();\n};\n"
        "void C::h()\n{\n    auto l = [] { return '}'; };\n    if (x) { y(\"{\"); }\n}\n}\n")
                                               << QStringList{QStringLiteral("g:1"), QStringLiteral("C::h:5")};
    QTest::newRow("constructor with brace initialisers") << QStringLiteral(
        "Foo::Foo(int a)\n    : m_a(a)\n    , m_b{a, 2}\n{\n    run();\n}\n") << QStringList{QStringLiteral("Foo::Foo:6")};
    QTest::newRow("initialisers are not functions") << QStringLiteral(
        "const QList<int> kList = {1, 2};\nenum class E { A, B };\nstatic const auto kF = make(1) {};\nstruct S { int x{3}; };\n")
                                                   << QStringList{};
    QTest::newRow("comments and raw strings") << QStringLiteral(
        "// void no() {\n/* { */ int k()\n{\n    return R\"(})\".size() + 1'000;\n}\n#define X() {\n")
                                             << QStringList{QStringLiteral("k:4")};
    QTest::newRow("operators and templates") << QStringLiteral(
        "template <typename T>\nbool operator==(const T &a, const T &b)\n{\n    return a.x == b.x;\n}\n")
                                            << QStringList{QStringLiteral("operator==:4")};
}

void CodeSizeTest::scannerCountsFunctions()
{
    QFETCH(QString, code);
    QFETCH(QStringList, expected);
    QStringList seen;
    for (const Function &f : functionsIn(code))
        seen << QStringLiteral("%1:%2").arg(f.name).arg(f.lines);
    QCOMPARE(seen, expected);
}

void CodeSizeTest::sourcesFound()
{
    const QStringList files = productSources();
    QVERIFY2(files.contains(QStringLiteral("ui/workbench/main_window.cpp")), qPrintable(kSource));
    QVERIFY(files.size() > 100);
    QVERIFY(sources(true).contains(QStringLiteral("tests/docs/tst_code_size.cpp")));
}

void CodeSizeTest::filesAreShort()
{
    QStringList over;
    for (const QString &file : sources(true)) {
        const int lines = int(read(file).count(QLatin1Char('\n')));
        if (lines > kFileLines)
            over << QStringLiteral("%1: %2 lines").arg(file).arg(lines);
    }
    QVERIFY2(over.isEmpty(), qPrintable(QStringLiteral("files over %1 lines:\n").arg(kFileLines) + over.join(QLatin1Char('\n'))));
}

void CodeSizeTest::functionsAreShort()
{
    QStringList over;
    for (const QString &file : productSources()) {
        const int limit = file.startsWith(QLatin1String("app/")) ? kAppFunctionLines : kFunctionLines;
        for (const Function &f : functionsIn(read(file))) {
            if (f.lines > limit)
                over << QStringLiteral("%1:%2: %3 is %4 lines (at most %5)").arg(file).arg(f.firstLine).arg(f.name).arg(f.lines).arg(limit);
        }
    }
    QVERIFY2(over.isEmpty(), qPrintable(QStringLiteral("functions too long:\n") + over.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(CodeSizeTest)
#include "tst_code_size.moc"
