/*
 * rsmapi.h - Remote Shared Memory API (librsm), as in Solaris/illumos
 * section 3RSM. Link with -lrsm. Usable from C99 and C++.
 *
 * Every function returns RSM_SUCCESS (0) or a positive RSMERR_* code (never a
 * raw errno); rsm_free_interconnect_topology returns nothing. A call that
 * fails argument checking returns before touching the adapter and leaves
 * every handle and segment as it was.
 *
 * Names, types and values follow ../shared/spec/rsmapi.md. Project choices
 * the spec leaves open are marked [PROJECT CHOICE] where they are made.
 *
 * Handles are opaque values that are never reused: a handle kept after its
 * object was destroyed (or disconnected, or freed) is refused with the
 * call's BAD_*_HNDL code and never reaches an object made later. Every
 * object belongs to the node that made it: another node's controller,
 * segment, barrier, local memory handle or pollfd is not valid there
 * (BAD_CTLR_HNDL, BAD_SEG_HNDL, BARRIER_UNINITIALIZED, BAD_LOCALMEM_HNDL;
 * another node's pollfd never reports an event).
 *
 * MT-Safe: any number of threads of a node program may call the rsmapi, as
 * long as the platform runs them as that node's threads (in the simulator:
 * programs started with rsmsim_spawn() or Cluster::spawn). [PROJECT CHOICE]
 * A call from an OS thread the platform does not know (a POSIX thread a node
 * program started itself) belongs to no node: rsm_get_controller returns
 * CTLR_NOT_PRESENT and every handle is refused as above; the simulator says
 * so once on stderr.
 *
 * Memory is checked when it is pinned, as a kernel locks pages: a range with
 * an unmapped or inaccessible page is BAD_ADDR (EFAULT), one whose pages do
 * not allow what the adapter must do with them (write into a read-only page)
 * PERM_DENIED (EACCES); a platform out of resources to pin (no descriptor
 * left to read the page table, say) INSUFFICIENT_RESOURCES. The adapter
 * never touches memory that was not pinned.
 */
#ifndef RSMAPI_H
#define RSMAPI_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Solaris base types that glibc does not provide (or provides only outside strict C99). */
typedef unsigned int uint_t;
typedef unsigned long ulong_t;
typedef long long offset_t;
#ifndef __daddr_t_defined
typedef char *caddr_t;
#endif
#ifndef MAXNAMELEN
#define MAXNAMELEN 256
#endif

/* ---- scalar types (rsm_common.h) ---- */
typedef uint64_t rsm_addr_t;
typedef uint32_t rsm_node_id_t;
typedef uint32_t rsm_memseg_id_t;
typedef uint32_t rsm_permission_t;
typedef uint16_t rsm_gnum_t;
typedef struct __rsm_memseg_import_handle *rsm_memseg_import_handle_t;
typedef struct __rsm_memseg_export_handle *rsm_memseg_export_handle_t;
typedef struct __rsm_localmemory_handle *rsm_localmemory_handle_t;
typedef struct __rsmapi_controller_handle *rsmapi_controller_handle_t;

/* ---- enumerations ---- */
typedef enum {
    RSM_DAS8 = 1,
    RSM_DAS16 = 2,
    RSM_DAS32 = 4,
    RSM_DAS64 = 8
} rsm_access_size_t;

typedef enum {
    RSM_BARRIER_SEGMENT = 0x01,
    RSM_BARRIER_NODE = 0x02,
    RSM_BARRIER_SEGMENT_THREAD = 0x11,
    RSM_BARRIER_NODE_THREAD = 0x12
} rsm_barrier_type_t;
/* [PROJECT CHOICE] documented but never defined in the original: alias of SEGMENT. */
#define RSM_BAR_DEFAULT RSM_BARRIER_SEGMENT

typedef enum {
    RSM_BARRIER_MODE_EXPLICIT = 0,
    RSM_BARRIER_MODE_IMPLICIT = 1
} rsm_barrier_mode_t;

typedef enum {
    RSM_MAP_NONE = 0x0,
    RSM_MAP_FIXED = 0x1,
    RSM_MAP_RESERVED = 0x2
} rsm_attribute_t;

/* ---- structures ---- */
typedef struct {
    uint_t attr_direct_access_sizes;   /* RSM_DAS* bits */
    uint_t attr_atomic_sizes;          /* RSM_DAS* bits */
    size_t attr_page_size;
    size_t attr_max_export_segment_size;
    size_t attr_tot_export_segment_size;
    ulong_t attr_max_export_segments;
    size_t attr_max_import_map_size;
    size_t attr_tot_import_map_size;
    ulong_t attr_max_import_segments;
} rsmapi_controller_attr_t;

typedef struct {
    rsm_node_id_t ae_node;
    rsm_permission_t ae_permission;
} rsmapi_access_entry_t;

typedef struct {
    void *seg;
    uint16_t gnum;
    void *privdata;
} rsmapi_barrier_t;

typedef union {
    uint64_t u64;
    int64_t i64;
    uint32_t u32[2];
    int32_t i32[2];
    uint16_t u16[4];
    int16_t i16[4];
    uint8_t u8[8];
    int8_t i8[8];
    unsigned char uc[8];
    char c[8];
    void *vp;
} rsm_barrier_component_t;

typedef struct {
    rsm_barrier_component_t comp[4];
} rsm_barrier_t;

typedef struct {
    int io_type;                       /* RSM_HANDLE_TYPE or RSM_VA_TYPE */
    union {
        rsm_localmemory_handle_t handle;
        caddr_t vaddr;
    } local;
    size_t local_offset;
    size_t remote_offset;
    size_t transfer_length;
} rsm_iovec_t;

typedef struct {
    rsm_node_id_t local_nodeid;
    ulong_t io_request_count;
    ulong_t io_residual_count;
    uint_t flags;
    rsm_memseg_import_handle_t remote_handle;
    rsm_iovec_t *iovec;
} rsm_scat_gath_t;

typedef struct {
    rsm_node_id_t local_nodeid;
    uint_t local_cntlr_count;
} rsm_topology_hdr_t;

typedef struct {
    char cntlr_name[MAXNAMELEN];
    rsm_addr_t local_hwaddr;
    int remote_cntlr_count;
} rsm_connections_hdr_t;

typedef struct {
    rsm_node_id_t remote_nodeid;
    char remote_cntlrname[MAXNAMELEN];
    rsm_addr_t remote_hwaddr;
    uint_t connection_state;
} rsm_remote_cntlr_t;

typedef struct {
    rsm_connections_hdr_t hdr;
    rsm_remote_cntlr_t remote_cntlr[1];   /* really hdr.remote_cntlr_count entries */
} rsm_connections_t;

typedef struct {
    rsm_topology_hdr_t topology_hdr;
    rsm_connections_t *connections[1];    /* really local_cntlr_count pointers */
} rsm_topology_t;

/* ---- constants ---- */
#define RSM_SUCCESS 0

#define RSM_ALLOW_REBIND 0x01
#define RSM_CREATE_SEG_DONTWAIT 0x02
#define RSM_LOCK_OPS 0x04                 /* [PROJECT CHOICE]: create fails with RSMERR_LOCKS_NOT_SUPPORTED */

#define RSM_IMPLICIT_SIGPOST 0x01
#define RSM_SIGPOST_NO_ACCUMULATE 0x02
#define RSM_SIG_POST_NO_ACCUMULATE RSM_SIGPOST_NO_ACCUMULATE   /* man-page spelling */

#define RSM_HANDLE_TYPE 0x01
#define RSM_VA_TYPE 0x02
#define RSM_MAX_SGIOREQS 16

#define RSM_PERM_NONE 0
#define RSM_PERM_READ 0400
#define RSM_PERM_WRITE 0200
#define RSM_PERM_RDWR (RSM_PERM_READ | RSM_PERM_WRITE)

#define RSM_CONNECTION_ACTIVE 3

#define RSM_DRIVER_PRIVATE_ID_BASE 0x0
#define RSM_DRIVER_PRIVATE_ID_END 0x0FFFFF
#define RSM_CLUSTER_TRANSPORT_ID_BASE 0x100000
#define RSM_CLUSTER_TRANSPORT_ID_END 0x1FFFFF
#define RSM_RSMLIB_ID_BASE 0x200000
#define RSM_RSMLIB_ID_END 0x2FFFFF
#define RSM_DLPI_ID_BASE 0x300000
#define RSM_DLPI_ID_END 0x3FFFFF
#define RSM_HPC_ID_BASE 0x400000
#define RSM_HPC_ID_END 0x4FFFFF
#define RSM_OPS_ID_BASE 0x500000
#define RSM_OPS_ID_END 0x5FFFFF
#define RSM_USER_APP_ID_BASE 0x80000000
#define RSM_USER_APP_ID_END 0xFFFFFFFF

/* ---- error codes ---- */
#define RSMERR_BAD_LIBRARY_VERSION 1
#define RSMERR_BAD_TOPOLOGY_PTR 2
#define RSMERR_BAD_CTLR_HNDL 3
#define RSMERR_CTLR_NOT_PRESENT 4
#define RSMERR_BAD_SEG_HNDL 5
#define RSMERR_SEG_ALREADY_PUBLISHED 6
#define RSMERR_SEG_NOT_PUBLISHED 7
#define RSMERR_SEG_NOT_PUBLISHED_TO_NODE 8
#define RSMERR_SEG_ALREADY_MAPPED 9
#define RSMERR_SEG_STILL_MAPPED 10
#define RSMERR_SEG_NOT_MAPPED 11
#define RSMERR_NOT_CREATOR 12
#define RSMERR_BAD_BARRIER_PTR 13
#define RSMERR_BAD_SGIO 14
#define RSMERR_BAD_LOCALMEM_HNDL 15
#define RSMERR_BAD_ADDR 16
#define RSMERR_BAD_MEM_ALIGNMENT 17
#define RSMERR_BAD_OFFSET 18
#define RSMERR_MISALIGNED_OFFSET 19
#define RSMERR_BAD_LENGTH 20
#define RSMERR_BAD_ACL 21
#define RSMERR_BAD_SEGID 22
#define RSMERR_RESERVED_SEGID 23
#define RSMERR_SEGID_IN_USE 24
#define RSMERR_BAD_MODE 25
#define RSMERR_BAD_PERMS 26
#define RSMERR_PERM_DENIED 27
#define RSMERR_LOCKS_NOT_SUPPORTED 28
#define RSMERR_LOCKS_NOT_ENABLED 29
#define RSMERR_REBIND_NOT_ALLOWED 30
#define RSMERR_INSUFFICIENT_RESOURCES 31
#define RSMERR_INSUFFICIENT_MEM 32
#define RSMERR_MAP_FAILED 33
#define RSMERR_POLLFD_IN_USE 34
#define RSMERR_BARRIER_UNINITIALIZED 35
#define RSMERR_BARRIER_OPEN_FAILED 36
#define RSMERR_BARRIER_NOT_OPENED 37
#define RSMERR_BARRIER_FAILURE 38
#define RSMERR_REMOTE_NODE_UNREACHABLE 39
#define RSMERR_CONN_ABORTED 40
#define RSMERR_INTERRUPTED 41
#define RSMERR_TIMEOUT 42
#define RSMERR_BAD_APPID 43
#define RSMERR_BAD_CONF 44
#define RSMERR_SEG_NOT_CONNECTED 45

/* RSMPI-level codes (provider <-> agent); a few reach users. */
#define RSMERR_INTERNAL_ERROR 100
#define RSMERR_BAD_DRIVER_VERSION 101
#define RSMERR_UNSUPPORTED_VERSION 102
#define RSMERR_DRIVER_NAME_IN_USE 103
#define RSMERR_DRIVER_NOT_REGISTERED 104
#define RSMERR_DRIVER_THREAD_RUNNING 105
#define RSMERR_NEED_THREAD_INIT 106
#define RSMERR_THREAD_NOT_INITED 107
#define RSMERR_CTLRS_REGISTERED 108
#define RSMERR_CTLR_NOT_REGISTERED 109
#define RSMERR_CTLR_ALREADY_REGISTERED 110
#define RSMERR_CTLR_IN_USE 111
#define RSMERR_NAME_TOO_LONG 112
#define RSMERR_SEG_PUBLISHED 113
#define RSMERR_SEG_NOT_PUBLISHED_TO_RSM_ADDR 114
#define RSMERR_SEG_IN_USE 115
#define RSMERR_BAD_SENDQ_HNDL 116
#define RSMERR_BAD_ARGS_ERRORS 117
#define RSMERR_BAD_MSTYPE 118
#define RSMERR_NO_BACKING_MEM 119
#define RSMERR_NOT_MEM 120
#define RSMERR_MEM_ALREADY_BOUND 121
#define RSMERR_MEM_NOT_BOUND 122
#define RSMERR_HANDLER_NOT_REGISTERED 123
#define RSMERR_NO_HANDLER 124
#define RSMERR_UNBIND_REBIND_NOT_ALLOWED 125
#define RSMERR_CALLBACKS_NOT_SUPPORTED 126
#define RSMERR_UNSUPPORTED_OPERATION 127
#define RSMERR_RSM_ADDR_UNREACHABLE 128
#define RSMERR_UNKNOWN_RSM_ADDR 129
#define RSMERR_BAD_BARRIER_HNDL 130
#define RSMERR_COMM_ERR_MAYBE_DELIVERED 131
#define RSMERR_COMM_ERR_NOT_DELIVERED 132
#define RSMERR_QUEUE_FENCE_UP 133
#define RSMERR_QUEUE_FULL 134

/* ---- controller ---- */

/* Handle on controller `name` ("sci0": type "sci", unit 0) of the calling node.
 * A second call with the same name returns the same handle and adds a reference.
 * Errors: BAD_CTLR_HNDL (controller NULL), CTLR_NOT_PRESENT (no such adapter). */
int rsm_get_controller(char *name, rsmapi_controller_handle_t *controller);
/* Copies the nine user attributes. Errors: BAD_CTLR_HNDL, BAD_ADDR (attr NULL),
 * CTLR_NOT_PRESENT (handle fully released). */
int rsm_get_controller_attr(rsmapi_controller_handle_t chdl, rsmapi_controller_attr_t *attr);
/* Drops one reference. Errors: BAD_CTLR_HNDL (NULL, unknown, or no reference left). */
int rsm_release_controller(rsmapi_controller_handle_t controller);

/* ---- topology ---- */

/* A freshly allocated snapshot of the calling node: its node id, its one
 * controller ("sci0", hardware address = node id) and every other node the
 * fabric reaches (state RSM_CONNECTION_ACTIVE). One block: free it with
 * rsm_free_interconnect_topology. Errors: BAD_TOPOLOGY_PTR (NULL; otherwise
 * *topology_data is set to NULL first), CTLR_NOT_PRESENT (no adapter),
 * INSUFFICIENT_MEM. */
int rsm_get_interconnect_topology(rsm_topology_t **topology_data);
void rsm_free_interconnect_topology(rsm_topology_t *topology_data);

/* ---- export side ---- */

/* Binds [vaddr, vaddr+length) (page aligned) as an export segment; nothing is
 * visible to other nodes until publish. The pages are pinned for reading and
 * writing: BAD_ADDR if some are not mapped, PERM_DENIED if some are read-only. */
int rsm_memseg_export_create(rsmapi_controller_handle_t controller,
                             rsm_memseg_export_handle_t *memseg, void *vaddr,
                             size_t length, uint_t flags);
/* Unpublishes if needed and frees the segment; the memory stays the caller's. */
int rsm_memseg_export_destroy(rsm_memseg_export_handle_t memseg);
/* Moves the segment onto new memory of the same length (page aligned),
 * transparently to importers: a published segment's export entry is
 * repointed in one table write. `off` is unused (must be 0 in the original;
 * ignored here). Errors: BAD_SEG_HNDL, BAD_ADDR, REBIND_NOT_ALLOWED (created
 * without RSM_ALLOW_REBIND), BAD_LENGTH (length differs). */
int rsm_memseg_export_rebind(rsm_memseg_export_handle_t memseg, void *vaddr, offset_t off, size_t length);
/* Publishes under *segment_id (0: one is assigned and written back) with an
 * access list (NULL/0 entries: every node, default mode). On return the
 * adapter's export table admits remote requests that the list allows. */
int rsm_memseg_export_publish(rsm_memseg_export_handle_t memseg, rsm_memseg_id_t *segment_id,
                              rsmapi_access_entry_t access_list[], uint_t access_list_length);
/* Removes the segment from the adapter's export table (new connections fail)
 * and force-disconnects every importer: their accesses then fail with
 * RSMERR_CONN_ABORTED, and a close_barrier of a span the unpublish fell into
 * returns CONN_ABORTED even if no access in it failed (stores through a
 * mapping after the unpublish are lost, and this is how the importer learns
 * it). Returns once every importer has been told; a connect that raced it
 * either fails (SEG_NOT_PUBLISHED) or yields a connection that is revoked
 * by then. */
int rsm_memseg_export_unpublish(rsm_memseg_export_handle_t memseg);
/* Replaces the access list of a published segment. Existing connections keep
 * the rights they were granted (puts, putv and signal posts go on working,
 * whatever later connects of the same node were granted); the new list
 * governs new connections only. Errors: BAD_SEG_HNDL, SEG_NOT_PUBLISHED,
 * BAD_ACL. */
int rsm_memseg_export_republish(rsm_memseg_export_handle_t memseg, rsmapi_access_entry_t access_list[],
                                uint_t access_list_length);

/* ---- import side ---- */

/* Looks segment_id up on node_id through the adapter (a LOOKUP packet over the
 * fabric), checks perm against the exporter's access list and programs an
 * import translation entry limited to perm. Barrier mode starts IMPLICIT.
 * Errors include SEG_NOT_PUBLISHED, SEG_NOT_PUBLISHED_TO_NODE (the list does
 * not name this node), PERM_DENIED (it names the node without a right perm
 * asks for, e.g. {node, 0}), REMOTE_NODE_UNREACHABLE. */
int rsm_memseg_import_connect(rsmapi_controller_handle_t controller, rsm_node_id_t node_id,
                              rsm_memseg_id_t segment_id, rsm_permission_t perm,
                              rsm_memseg_import_handle_t *im_memseg);
int rsm_memseg_import_disconnect(rsm_memseg_import_handle_t im_memseg);

/* Maps [offset, offset+length) of the segment (offset page aligned) at
 * *address (RSM_MAP_FIXED: exactly there; else chosen and returned), readable
 * with RSM_PERM_READ, writable with RSM_PERM_WRITE, within the connection's
 * rights (RSM_PERM_NONE: pages without access, never filled or written
 * back). [PROJECT CHOICE] A mapping with access needs a connection with
 * RSM_PERM_READ (the pages are filled from the segment, and a write-only
 * mapping's stores are found by comparing with that content): BAD_PERMS
 * for a write-only connection. One mapping per handle. The mapping is release-consistent: loads
 * see the segment as of the map and of every open_barrier of this import;
 * stores reach the segment at the next close_barrier, order_barrier or unmap
 * (only the bytes that changed are written). All transfers go through the
 * adapter's window and are timed and traced; the loads and stores themselves
 * take no simulated time. While mapped, put/get must stay inside the mapped
 * range (BAD_OFFSET). Errors: BAD_SEG_HNDL, BAD_ADDR, SEG_ALREADY_MAPPED,
 * BAD_PERMS, BAD_LENGTH, BAD_MEM_ALIGNMENT, CONN_ABORTED, MAP_FAILED. */
int rsm_memseg_import_map(rsm_memseg_import_handle_t im_memseg, void **address, rsm_attribute_t attr,
                          rsm_permission_t perm, off_t offset, size_t length);
/* Writes back pending stores and removes the mapping. Errors: BAD_SEG_HNDL,
 * SEG_NOT_MAPPED. Disconnect fails with SEG_STILL_MAPPED while mapped. */
int rsm_memseg_import_unmap(rsm_memseg_import_handle_t im_memseg);

/* get/put copy length bytes (or rep_cnt items) between local memory and the
 * segment at offset, through the adapter's remote-access window. In IMPLICIT
 * barrier mode the call returns after the data has landed (or with the error);
 * in EXPLICIT mode errors show at the next close_barrier. */
int rsm_memseg_import_get(rsm_memseg_import_handle_t im_memseg, off_t offset, void *dst_addr, size_t length);
int rsm_memseg_import_get8(rsm_memseg_import_handle_t im_memseg, off_t offset, uint8_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_get16(rsm_memseg_import_handle_t im_memseg, off_t offset, uint16_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_get32(rsm_memseg_import_handle_t im_memseg, off_t offset, uint32_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_get64(rsm_memseg_import_handle_t im_memseg, off_t offset, uint64_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put(rsm_memseg_import_handle_t im_memseg, off_t offset, void *src_addr, size_t length);
int rsm_memseg_import_put8(rsm_memseg_import_handle_t im_memseg, off_t offset, uint8_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put16(rsm_memseg_import_handle_t im_memseg, off_t offset, uint16_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put32(rsm_memseg_import_handle_t im_memseg, off_t offset, uint32_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put64(rsm_memseg_import_handle_t im_memseg, off_t offset, uint64_t *datap, ulong_t rep_cnt);

/* ---- events ---- */

/* memseg is an import or an export handle. From an import handle: one event
 * for the exporting node's segment (returns REMOTE_NODE_UNREACHABLE or
 * CONN_ABORTED if it could not be delivered, judged by this post's own answer
 * only). From an export handle: one event
 * for every node that connected to the published segment; send failures are
 * ignored. flags: RSM_SIGPOST_NO_ACCUMULATE drops the event at a receiver that
 * has one pending already. */
int rsm_intr_signal_post(void *memseg, uint_t flags);
/* Waits until an event is pending for memseg, then consumes one. timeout in
 * milliseconds of simulated time: -1 forever (sleeping on the interrupt: a
 * simulation in which nothing can post any more ends and reports the wait),
 * 0 check only. N posts give N successful waits (unless NO_ACCUMULATE dropped
 * some): the adapter counts up to 2^32-1 pending events per segment.
 * Errors: BAD_SEG_HNDL, TIMEOUT. */
int rsm_intr_signal_wait(void *memseg, int timeout);

/* A descriptor (fd->fd, events POLLRDNORM) that is readable while an event
 * is pending for memseg; adds a reference (destroy, unpublish, disconnect and
 * unmap then fail with POLLFD_IN_USE until every reference is released). A plain poll() sees it
 * too, but only the rsmapi consumes events. Errors: BAD_SEG_HNDL, BAD_ADDR,
 * INSUFFICIENT_RESOURCES. */
int rsm_memseg_get_pollfd(void *memseg, struct pollfd *fd);
/* Drops one reference (never below zero). Errors: BAD_SEG_HNDL. */
int rsm_memseg_release_pollfd(void *memseg);
/* poll() over rsmapi pollfds and ordinary descriptors, in simulated time
 * (timeout in ms, -1 forever): for every ready rsmapi pollfd one event is
 * consumed. *numfdsp (optional) = entries with events. With no pollfd of the
 * calling node among fds (nfds 0 included) it looks at the ordinary
 * descriptors every 10 us of simulated time until the timeout. Errors:
 * TIMEOUT (none), BAD_ADDR, INTERRUPTED, BAD_ARGS_ERRORS. */
int rsm_intr_signal_wait_pollfd(struct pollfd fds[], nfds_t nfds, int timeout, int *numfdsp);

/* ---- scatter/gather and local memory handles ---- */

/* Moves sg_io->io_request_count (1..RSM_MAX_SGIOREQS) entries between local
 * buffers (virtual addresses or local memory handles) and the imported
 * segment sg_io->remote_handle, as one chain on the adapter's DMA engine. The
 * whole vector is started before returning and has completed when it
 * returns. In IMPLICIT barrier mode entries complete in list order. On an
 * error the vector stops; io_residual_count is the number of entries that did
 * not complete or never started (0 on success). With RSM_IMPLICIT_SIGPOST
 * (optionally | RSM_SIGPOST_NO_ACCUMULATE) the adapter signals the exporter
 * once after the whole vector succeeded, and the call returns when that post
 * was answered. Every entry is checked, and every virtual-address entry
 * pinned (BAD_ADDR: unmapped or wrapping; PERM_DENIED: a getv into
 * read-only pages), before the chain starts; an error then changes nothing
 * and io_residual_count = io_request_count (no entry was initiated). */
int rsm_memseg_import_putv(rsm_scat_gath_t *sg_io);
int rsm_memseg_import_getv(rsm_scat_gath_t *sg_io);
/* Pins [local_vaddr, local_vaddr+length) once for repeated putv/getv:
 * BAD_ADDR if a page is not mapped; read-only pages serve putv only (getv
 * through the handle is PERM_DENIED). */
int rsm_create_localmemory_handle(rsmapi_controller_handle_t handle, rsm_localmemory_handle_t *l_handle,
                                  caddr_t local_vaddr, size_t length);
int rsm_free_localmemory_handle(rsmapi_controller_handle_t handle, rsm_localmemory_handle_t l_handle);

/* ---- segment id ranges ---- */

/* Looks `appid` up in the segment-id file: lines "reserved APPID BASEHEX LENGTH";
 * '#' starts a comment line; any other line with fewer than four fields
 * (blank lines included) makes the file malformed. The file is
 * $RSM_SEGMENTID_FILE if set, else /etc/rsm/rsm.segmentid.
 * Errors: BAD_ADDR (NULL argument), BAD_CONF (missing, unreadable -- a
 * directory, say -- or malformed file), BAD_APPID (appid not listed). */
int rsm_get_segmentid_range(const char *appid, rsm_memseg_id_t *baseid, uint32_t *length);

/* ---- barriers ----
 * A barrier brackets a span of remote accesses to one import's node: a
 * successful close guarantees that every access to that node issued since
 * the open (by this node, through any import of it) completed without error.
 * Failures inside the span are silent until the close; after a failed close
 * redo every access since the open. The adapter keeps the evidence: open
 * snapshots the node's error counter (BAR_ERRORS) and the route generation
 * (ROUTE_GEN); close waits until nothing to the node is outstanding and fails
 * if either moved. Every type (SEGMENT, NODE, their THREAD forms) is this span. */

/* Makes `barrier` the import's barrier (also the one IMPLICIT mode uses).
 * Initialising a barrier again replaces (and frees) its state; the struct is
 * the barrier (a copy of it is not initialised).
 * Errors: BAD_SEG_HNDL, BAD_BARRIER_PTR, INSUFFICIENT_MEM. */
int rsm_memseg_import_init_barrier(rsm_memseg_import_handle_t memseg, rsm_barrier_type_t type,
                                   rsmapi_barrier_t *barrier);
/* Starts a span: snapshots the counters and the connection's generation;
 * mapped loads see the segment as of this open.
 * Errors: BAD_BARRIER_PTR, BARRIER_UNINITIALIZED (never initialised,
 * destroyed, or another node's), CONN_ABORTED (the import was disconnected),
 * BARRIER_OPEN_FAILED (the exporter revoked the connection, or the counters
 * could not be read). */
int rsm_memseg_import_open_barrier(rsmapi_barrier_t *barrier);
/* Within an open span: every write issued before (mapped stores included)
 * completes before any issued after; the span stays open.
 * Errors: BAD_BARRIER_PTR, BARRIER_UNINITIALIZED, BARRIER_NOT_OPENED,
 * CONN_ABORTED, BARRIER_FAILURE (the writes did not drain in time). */
int rsm_memseg_import_order_barrier(rsmapi_barrier_t *barrier);
/* Ends the span: writes back mapped stores, waits for every outstanding
 * access to the node, then compares the counters with the open's snapshot.
 * Errors: BAD_BARRIER_PTR, BARRIER_UNINITIALIZED, BARRIER_NOT_OPENED,
 * CONN_ABORTED (disconnected, reconnected or revoked since the open: the
 * accesses after the revocation were lost), BARRIER_FAILURE (an access in
 * the span failed, the fabric rerouted, or the accesses did not drain). */
int rsm_memseg_import_close_barrier(rsmapi_barrier_t *barrier);
/* Frees the barrier; if it was its import's barrier, IMPLICIT-mode put/get
 * then fail with BARRIER_UNINITIALIZED until another init.
 * Errors: BAD_BARRIER_PTR, BARRIER_UNINITIALIZED. */
int rsm_memseg_import_destroy_barrier(rsmapi_barrier_t *barrier);
/* IMPLICIT: every put/get (and every putv/getv entry) is its own span and
 * returns after its data landed, or with the span's error (the mode after
 * connect). EXPLICIT: none; errors show at the program's own close_barrier.
 * Errors: BAD_SEG_HNDL, BAD_MODE (neither mode); the mode is unchanged. */
int rsm_memseg_import_set_mode(rsm_memseg_import_handle_t memseg, rsm_barrier_mode_t mode);
/* Errors: BAD_SEG_HNDL, BAD_ADDR (NULL `mode`; the original did not check). */
int rsm_memseg_import_get_mode(rsm_memseg_import_handle_t memseg, rsm_barrier_mode_t *mode);

#ifdef __cplusplus
}
#endif

#endif /* RSMAPI_H */
