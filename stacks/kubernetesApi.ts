// The Kubernetes API the stack deploys to (not the local cluster, not an HDFS cluster), read with the official
// Kubernetes client from the kubeconfig the provider uses: the `kubernetes:kubeconfig` config (a path or the
// file's content) and `kubernetes:context`, else $KUBECONFIG or ~/.kube/config, as the default provider does.
import * as k8s from "@kubernetes/client-node";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterObjectRef } from "../components/labels";
import type { ClusterObject, ApiReader } from "./preflight";

export function kubeconfigFromStack(): k8s.KubeConfig {
  const config = new pulumi.Config("kubernetes");
  const kubeconfig = config.get("kubeconfig");
  const kc = new k8s.KubeConfig();
  if (kubeconfig === undefined) {
    kc.loadFromDefault();
  } else if (fs.existsSync(kubeconfig)) {
    kc.loadFromFile(kubeconfig);
  } else {
    kc.loadFromString(kubeconfig);
  }
  const context = config.get("context");
  if (context !== undefined) {
    kc.setCurrentContext(context);
  }
  return kc;
}

/** Reads objects with the kubeconfig's credentials; a 404 is "no such object", anything else an error. */
export function kubernetesApiReader(kc: k8s.KubeConfig = kubeconfigFromStack()): ApiReader {
  const server = kc.getCurrentCluster()?.server ?? "(no cluster in the kubeconfig)";
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  const refused = (e: unknown, what: string) => {
    const why = e instanceof k8s.ApiException ? `HTTP ${e.code}` : e instanceof Error ? e.message : String(e);
    return new pulumi.RunError(`cannot read ${what} from the cluster at ${server} (${why}); ` +
      `the stack checks the cluster before it changes anything, so it needs read access to namespaces, nodes, ` +
      `PriorityClasses and ClusterRoles there, and to the NameNode's ConfigMaps, the DataNodes' DaemonSet, the drain Jobs and the keytab and TLS Secrets HDFS's config names`);
  };
  return {
    description: server,
    async read(ref: ClusterObjectRef): Promise<ClusterObject | undefined> {
      try {
        return await api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } }) as ClusterObject;
      } catch (e) {
        if (e instanceof k8s.ApiException && e.code === 404) {
          return undefined;
        }
        throw refused(e, `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`);
      }
    },
    async listNodes(selector: Record<string, string>): Promise<ClusterObject[]> {
      const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(",");
      try {
        const list = await api.list("v1", "Node", undefined, undefined, undefined, undefined, undefined, labelSelector);
        return list.items as ClusterObject[];
      } catch (e) {
        throw refused(e, `the nodes labelled ${labelSelector}`);
      }
    },
  };
}
