package quorumlab.protocols.cluster;

/** Seeds for a node process's random streams: a restarted process must not replay its predecessor's draws. */
final class NetworkModelSeeds {
    static long forIncarnation(long seed, int incarnation) {
        long z = seed ^ (0x9e3779b97f4a7c15L * (incarnation + 1));
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private NetworkModelSeeds() {}
}
