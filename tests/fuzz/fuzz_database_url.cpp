// Fuzzes DatabaseUrl::parse and what a parsed URL offers (masked, shortName,
// driver, connectOptions). The masked URL, which is printed and logged, is
// parsed again; the options, as Qt hands them to libpq, are read back by
// libpq's own parser: they must set exactly the URL's options to exactly its
// values (and connect_timeout), nothing more, whatever the URL holds. The
// input is tried as a whole URL and as the query of a PostgreSQL one.
#include "database_url.h"
#include "../support/libpq_reads.h"

using listinglens::DatabaseUrl;
using listinglens::test::libpqReads;

namespace {

void check(const QString &text)
{
    const auto url = DatabaseUrl::parse(text);
    if (!url.ok()) {
        (void)url.error().codeName();
        return;
    }
    const DatabaseUrl &u = url.value();
    const QString masked = u.masked();
    (void)u.shortName();
    (void)u.driver();
    if (const auto again = DatabaseUrl::parse(masked); again.ok())
        (void)again.value().masked();
    if (!u.isPostgres())
        return;
    // Qt's QPSQL joins its options with spaces (it reads ';' as one).
    const QMap<QString, QString> read = libpqReads(u.connectOptions().replace(QLatin1Char(';'), QLatin1Char(' ')));
    QMap<QString, QString> expected{{QStringLiteral("connect_timeout"), QStringLiteral("5")}};
    for (const auto &[name, value] : u.options)
        expected.insert(name, value);
    for (auto it = read.begin(); it != read.end(); ++it)
        if (!expected.contains(it.key()) || expected.value(it.key()) != it.value())
            __builtin_trap(); // an option added a parameter, or changed a value, on its way to libpq
    if (read.size() != expected.size())
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    check(text);
    check(QStringLiteral("postgresql://app:secret@db.example/listings?") + text);
    return 0;
}
