#include "sha256.h"

#include <openssl/sha.h>

namespace listinglens {

QString sha256Hex(const QByteArray &bytes)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char *>(bytes.constData()), std::size_t(bytes.size()), digest);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(digest), sizeof digest).toHex());
}

} // namespace listinglens
