#include "float_blob.h"

#include <QtEndian>

namespace listinglens {

QByteArray floatsToBase64(const std::vector<float> &v)
{
    QByteArray bytes(qsizetype(v.size() * sizeof(float)), Qt::Uninitialized);
    for (std::size_t i = 0; i < v.size(); ++i)
        qToLittleEndian(v[i], bytes.data() + i * sizeof(float));
    return bytes.toBase64();
}

std::vector<float> floatsFromBase64(const QString &text)
{
    const QByteArray bytes = QByteArray::fromBase64(text.toLatin1());
    std::vector<float> v(std::size_t(bytes.size()) / sizeof(float));
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = qFromLittleEndian<float>(bytes.constData() + i * sizeof(float));
    return v;
}

} // namespace listinglens
