// What the API takes from its clients' texts, before the database sees any:
// half of a surrogate pair is refused, not stored as "?", and a feedback
// title or description that a spreadsheet would run as a formula (= or @
// beginning a cell, whatever the separator) is refused; a body that is no
// JSON object is refused in the request's terms, not the JSON parser's.
#include "api_input.h"

#include <QTest>

using namespace listinglens;

class TestApiInput : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The scheme's name is case-insensitive (RFC 7235); another scheme is no key.
    void bearerSchemeInAnyCase()
    {
        QCOMPARE(bearerToken("Bearer abc"), std::optional<QByteArray>("abc"));
        QCOMPARE(bearerToken("bearer abc "), std::optional<QByteArray>("abc"));
        QCOMPARE(bearerToken("BEARER abc"), std::optional<QByteArray>("abc"));
        QVERIFY(!bearerToken("Basic abc"));
        QVERIFY(!bearerToken("Bearerabc"));
        QVERIFY(!bearerToken("Bear"));
    }
    void feedbackTexts_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("refusal"); // empty: accepted
        const auto with = [](const QByteArray &field, const QByteArray &json) {
            return "{\"decision\":\"corrected\",\"category_id\":\"phones\",\"" + field + "\":" + json + "}";
        };
        QTest::newRow("a plain title") << with("title", "\"Red phone, 64 GB\"") << QString();
        QTest::newRow("a lone high surrogate") << with("title", "\"a\\ud800b\"") << QStringLiteral("surrogate");
        QTest::newRow("a lone low surrogate") << with("description", "\"\\udc00\"") << QStringLiteral("surrogate");
        QTest::newRow("a pair: beyond the BMP") << with("title", "\"\\ud83d\\udcf1 phone\"") << QString();
        QTest::newRow("= at the start") << with("title", "\"=1+1\"") << QStringLiteral("formula");
        QTest::newRow("= after ;") << with("title", "\"phone;=1+1\"") << QStringLiteral("formula");
        QTest::newRow("@ after a tab") << with("description", "\"a\\t@SUM(A1)\"") << QStringLiteral("formula");
        QTest::newRow("= on a later line") << with("description", "\"Fine.\\n=HYPERLINK(\\\"x\\\")\"") << QStringLiteral("formula");
        QTest::newRow("= after blanks and a quote") << with("title", "\"x; \\\"=1\"") << QStringLiteral("formula");
        QTest::newRow("- and + are kept (the export neutralises them)") << with("title", "\"-20% off; +1 case\"") << QString();
        QTest::newRow("= inside a cell") << with("title", "\"size = large\"") << QString();
        // A body that is no JSON object says so in the request's terms, never the parser's.
        QTest::newRow("an array") << QByteArray("[1, 2]") << QStringLiteral("must be a JSON object such as {\"decision\": \"accepted\"}, not an array");
        QTest::newRow("a number") << QByteArray("42") << QStringLiteral("not a single value");
        QTest::newRow("a string") << QByteArray("\"accepted\"") << QStringLiteral("not a single value");
        QTest::newRow("an empty body") << QByteArray() << QStringLiteral("the body is empty");
        QTest::newRow("blanks only") << QByteArray(" \n") << QStringLiteral("the body is empty");
        QTest::newRow("cut short") << QByteArray("{\"decision\": \"acc") << QStringLiteral("not valid JSON (it goes wrong at byte");
        QTest::newRow("a trailing comma") << QByteArray("{\"decision\": \"accepted\",}") << QStringLiteral("not valid JSON");
        QTest::newRow("single quotes") << QByteArray("{'decision': 'accepted'}") << QStringLiteral("not valid JSON");
    }
    void feedbackTexts()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, refusal);
        const auto parsed = parseFeedback("application/json", body, nullptr);
        if (refusal.isEmpty()) {
            QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
            return;
        }
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().codeName(), QStringLiteral("invalid_argument"));
        QVERIFY2(parsed.error().message.contains(refusal), qPrintable(parsed.error().message));
        for (const char *parserWords : {"no error occurred", "unterminated", "illegal value", "missing", "garbage"})
            QVERIFY2(!parsed.error().message.contains(QLatin1String(parserWords)), qPrintable(parsed.error().message));
    }
};

QTEST_GUILESS_MAIN(TestApiInput)
#include "tst_api_input.moc"
