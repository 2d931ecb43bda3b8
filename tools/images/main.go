// imagebuild writes a single-layer linux/amd64 image as an OCI image layout tar, the form
// `ctr images import` reads, with the reference in the index's io.containerd.image.name annotation.
//
//	imagebuild --ref quay.io/prometheus/node-exporter:v1.12.1 --out node-exporter.oci.tar \
//	  --file /bin/node_exporter=./node_exporter --passwd --user nobody --entrypoint /bin/node_exporter \
//	  --expose 9100/tcp --env PATH=/bin
//
// The layer holds the given files (mode 0755, owned by root) and, with --passwd, an /etc/passwd and
// /etc/group naming root, nobody (65534) and nonroot (65532). With --rootfs DIR it holds that directory tree
// first (modes, owners, symlinks and hard links as they are; device nodes, sockets and fifos left out), the
// --file entries over it. Timestamps are fixed, so the same inputs give the same image digest.
package main

import (
	"archive/tar"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

var epoch = time.Unix(0, 0).UTC()

func main() {
	var files, envs, exposes multi
	ref := flag.String("ref", "", "image reference the image is imported as")
	out := flag.String("out", "", "OCI layout tar to write")
	user := flag.String("user", "", "config User")
	workdir := flag.String("workdir", "", "config WorkingDir")
	entrypoint := flag.String("entrypoint", "", "config Entrypoint (one path)")
	passwd := flag.Bool("passwd", false, "add /etc/passwd and /etc/group")
	rootfs := flag.String("rootfs", "", "directory tree the layer starts from")
	flag.Var(&files, "file", "IMAGE_PATH=LOCAL_FILE (repeatable)")
	flag.Var(&envs, "env", "K=V (repeatable)")
	flag.Var(&exposes, "expose", "PORT/PROTO (repeatable)")
	flag.Parse()
	if *ref == "" || *out == "" || (len(files) == 0 && *rootfs == "") {
		fmt.Fprintln(os.Stderr, "imagebuild: --ref, --out and --rootfs or at least one --file are required")
		os.Exit(2)
	}
	if err := build(*ref, *out, *user, *workdir, *entrypoint, *passwd, *rootfs, files, envs, exposes); err != nil {
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(1)
	}
}

func build(ref, out, user, workdir, entrypoint string, passwd bool, rootfs string, files, envs, exposes []string) error {
	// A reference without a registry (apache/hadoop:3.4.1) is Docker Hub's, as for containerd.
	tag, err := name.NewTag(ref, name.WeakValidation)
	if err != nil {
		return fmt.Errorf("reference %q: %w", ref, err)
	}
	contents := map[string][]byte{}
	for _, f := range files {
		dst, src, ok := strings.Cut(f, "=")
		if !ok || !path.IsAbs(dst) {
			return fmt.Errorf("--file %q: want /IMAGE_PATH=LOCAL_FILE", f)
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		contents[dst] = b
	}
	// The layer is written to a file beside the output (a root filesystem is hundreds of MB).
	lf, err := os.CreateTemp(filepath.Dir(out), ".layer-*.tar")
	if err != nil {
		return err
	}
	defer os.Remove(lf.Name())
	err = writeLayer(lf, rootfs, contents, passwd)
	if cerr := lf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	layer, err := tarball.LayerFromFile(lf.Name(), tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return err
	}
	// OCI media types throughout (the empty image starts with Docker's).
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.AppendLayers(base, layer)
	if err != nil {
		return err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = "amd64", "linux"
	cf.Created = v1.Time{Time: epoch}
	cf.Config.User = user
	cf.Config.WorkingDir = workdir
	cf.Config.Env = envs
	if entrypoint != "" {
		cf.Config.Entrypoint = []string{entrypoint}
	}
	if len(exposes) > 0 {
		cf.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range exposes {
			cf.Config.ExposedPorts[p] = struct{}{}
		}
	}
	cf.History = []v1.History{{Created: v1.Time{Time: epoch}, CreatedBy: "k8s-daemonsets tools/images", Comment: "built from pinned upstream sources"}}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return err
	}

	dir, err := os.MkdirTemp(filepath.Dir(out), ".oci-layout-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	annotations := map[string]string{
		"io.containerd.image.name":          containerdName(tag),
		"org.opencontainers.image.ref.name": tag.TagStr(),
	}
	if err := p.AppendImage(img, layout.WithAnnotations(annotations), layout.WithPlatform(v1.Platform{OS: "linux", Architecture: "amd64"})); err != nil {
		return err
	}
	return tarDir(dir, out)
}

// containerdName is the reference as containerd's CRI normalises it: Docker Hub as docker.io (the library
// calls it index.docker.io), which is the name the kubelet's image lookups find.
func containerdName(tag name.Tag) string {
	if tag.RegistryStr() == name.DefaultRegistry {
		return "docker.io/" + tag.RepositoryStr() + ":" + tag.TagStr()
	}
	return tag.Name()
}

// writeLayer: the rootfs tree (if any), then the files with their parent directories, sorted, root-owned,
// fixed timestamps.
func writeLayer(w io.Writer, rootfs string, contents map[string][]byte, passwd bool) error {
	if passwd {
		contents["/etc/passwd"] = []byte("root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")
		contents["/etc/group"] = []byte("root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n")
	}
	dirs := map[string]bool{}
	for p := range contents {
		for d := path.Dir(p); d != "/"; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	var names []string
	for d := range dirs {
		names = append(names, d+"/")
	}
	for p := range contents {
		names = append(names, p)
	}
	sort.Strings(names)
	tw := tar.NewWriter(w)
	if rootfs != "" {
		if err := writeTree(tw, rootfs, contents); err != nil {
			return err
		}
	}
	for _, n := range names {
		h := &tar.Header{Name: strings.TrimPrefix(n, "/"), ModTime: epoch, Uid: 0, Gid: 0, Format: tar.FormatPAX}
		if strings.HasSuffix(n, "/") {
			if rootfs != "" {
				if fi, err := os.Lstat(filepath.Join(rootfs, n)); err == nil && fi.IsDir() {
					continue // the tree has it, with its own mode and owner
				}
			}
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			continue
		}
		b := contents[n]
		h.Typeflag, h.Mode, h.Size = tar.TypeReg, 0o755, int64(len(b))
		if strings.HasPrefix(n, "/etc/") {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(b); err != nil {
			return err
		}
	}
	return tw.Close()
}

// writeTree adds the directory tree under root, in lexical order, leaving out the paths given as --file
// (written after it) and what a container's runtime provides itself (device nodes, sockets, fifos).
func writeTree(tw *tar.Writer, root string, skip map[string][]byte) error {
	links := map[[2]uint64]string{} // (device, inode) of a file with several names -> the first name written
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		name := filepath.ToSlash(rel)
		if _, ok := skip["/"+name]; ok {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := info.Mode()
		if mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeSocket|fs.ModeNamedPipe) != 0 {
			return nil
		}
		target := ""
		if mode&fs.ModeSymlink != 0 {
			if target, err = os.Readlink(p); err != nil {
				return err
			}
		}
		h, err := tar.FileInfoHeader(info, target)
		if err != nil {
			return err
		}
		h.Name, h.ModTime, h.AccessTime, h.ChangeTime, h.Uname, h.Gname, h.Format = name, epoch, time.Time{}, time.Time{}, "", "", tar.FormatPAX
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			h.Uid, h.Gid = int(st.Uid), int(st.Gid)
			if mode.IsRegular() && st.Nlink > 1 {
				key := [2]uint64{uint64(st.Dev), st.Ino}
				if first, seen := links[key]; seen {
					h.Typeflag, h.Linkname, h.Size = tar.TypeLink, first, 0
					return tw.WriteHeader(h)
				}
				links[key] = name
			}
		}
		if info.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !mode.IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
}

// tarDir writes the layout directory as a tar (paths relative to it), the file `ctr images import` takes.
func tarDir(dir, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	err = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		h.Name, h.ModTime, h.Uid, h.Gid, h.Uname, h.Gname = filepath.ToSlash(rel), epoch, 0, 0, "", ""
		if info.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			src, err := os.Open(p)
			if err != nil {
				return err
			}
			defer src.Close()
			_, err = io.Copy(tw, src)
			return err
		}
		return nil
	})
	if err == nil {
		err = tw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
