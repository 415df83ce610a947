import { ipKey } from "@roestify/api";
import { describe, expect, it } from "vitest";
import { startTestApp } from "./testing.ts";

// Behind one proxy: its X-Forwarded-For names the client. A direct app trusts no header.
const proxied = await startTestApp({ TRUST_PROXY: "1" });
const direct = await startTestApp();

/** An OAuth callback (10 a minute per client IP) as a client behind the proxy sends it. */
const callback = (url: string, client: string) =>
  fetch(`${url}/api/v1/shopify/oauth/callback?shop=x.myshopify.com`, {
    redirect: "manual",
    headers: { "x-forwarded-for": client },
  }).then((response) => response.status);

async function statuses(url: string, clients: string[]) {
  const answers: number[] = [];
  for (const client of clients) answers.push(await callback(url, client));
  return answers;
}

describe("the client IP of per-IP limits", () => {
  it("counts IPv4 per address and IPv6 per /64, IPv4-mapped as IPv4", () => {
    expect(ipKey("203.0.113.7")).toBe("203.0.113.7");
    expect(ipKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(ipKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(ipKey("2001:0db8:0001:0002:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(ipKey("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(ipKey(undefined)).toBe("unknown");
  });

  it("behind TRUST_PROXY=1, limits each client on its own, an IPv6 client across its /64", async () => {
    // Ten addresses of one /64: the eleventh request of that network is refused.
    const network = Array.from({ length: 11 }, (_, i) => `2001:db8:aa:1:${i.toString(16)}::1`);
    expect(await statuses(proxied.url, network)).toEqual([...Array(10).fill(302), 429]);
    // Another /64 and an IPv4 client still have their own ten.
    expect(await statuses(proxied.url, ["2001:db8:aa:2::1", "198.51.100.4"])).toEqual([302, 302]);
  });

  it("without a trusted proxy, ignores X-Forwarded-For", async () => {
    const spoofed = Array.from({ length: 11 }, (_, i) => `198.51.100.${i + 1}`);
    expect(await statuses(direct.url, spoofed)).toEqual([...Array(10).fill(302), 429]);
  });
});
