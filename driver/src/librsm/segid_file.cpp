// rsm_get_segmentid_range: the administrator's segment-id file.
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <strings.h>

#include "librsm/context.h"

namespace {

constexpr const char* kDefaultPath = "/etc/rsm/rsm.segmentid";

// Parses an unsigned number in `base`; the whole token must be used.
bool parse_number(const std::string& tok, int base, unsigned long long max, unsigned long long& out) {
    if (tok.empty() || tok[0] == '-' || tok[0] == '+') return false;
    errno = 0;
    char* end = nullptr;
    out = std::strtoull(tok.c_str(), &end, base);
    return errno == 0 && end && *end == '\0' && out <= max;
}

}  // namespace

int impl_rsm_get_segmentid_range(const char* appid, rsm_memseg_id_t* baseid, uint32_t* length) {
    if (!appid || !baseid || !length) return RSMERR_BAD_ADDR;
    const char* env = std::getenv("RSM_SEGMENTID_FILE");
    std::ifstream in(env && *env ? env : kDefaultPath);
    if (!in) return RSMERR_BAD_CONF;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string keyword, app, base, count;
        if (!(fields >> keyword)) return RSMERR_BAD_CONF;   // a blank line ends the scan
        if (keyword[0] == '#') continue;
        if (!(fields >> app >> base >> count)) return RSMERR_BAD_CONF;
        if (strcasecmp(app.c_str(), appid) != 0) continue;
        // The first line naming the appid decides.
        unsigned long long b = 0, n = 0;
        if (strcasecmp(keyword.c_str(), "reserved") != 0) return RSMERR_BAD_CONF;
        if (base.size() > 2 && base[0] == '0' && (base[1] == 'x' || base[1] == 'X')) base = base.substr(2);
        if (!parse_number(base, 16, 0xFFFFFFFFull, b) || !parse_number(count, 10, 0xFFFFFFFFull, n))
            return RSMERR_BAD_CONF;
        *baseid = static_cast<rsm_memseg_id_t>(b);
        *length = static_cast<uint32_t>(n);
        return RSM_SUCCESS;
    }
    // Stopped by a read error, not the end of the file: unreadable (a
    // directory, say), which is the file's fault, not the appid's.
    if (!in.eof()) return RSMERR_BAD_CONF;
    return RSMERR_BAD_APPID;
}
