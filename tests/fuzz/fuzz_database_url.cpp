// Fuzzes DatabaseUrl::parse and what a parsed URL offers (masked, shortName,
// driver); the masked URL, which is printed and logged, is parsed again.
#include "database_url.h"

using listinglens::DatabaseUrl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto url = DatabaseUrl::parse(text);
    if (!url.ok()) {
        (void)url.error().codeName();
        return 0;
    }
    const DatabaseUrl &u = url.value();
    const QString masked = u.masked();
    (void)u.shortName();
    (void)u.driver();
    if (const auto again = DatabaseUrl::parse(masked); again.ok())
        (void)again.value().masked();
    return 0;
}
