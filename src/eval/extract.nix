# impermalint's extractor: reads, from an evaluated NixOS configuration, only the facts the rules
# need, in the facts schema of src/facts/mod.rs (version 1).
#
# Every piece is read under builtins.tryEval: a module that is absent (no sops, no preservation,
# no home-manager) or a value that throws makes that piece unknown, never the whole run.
# Nothing here forces system.build.toplevel, and secrets never leave: password options become
# booleans. Locations are the files that define an option (definitionsWithLocations); impermalint
# finds the line inside the file afterwards.
#
# Only builtins are used, so this works on any `config`/`options` pair, including the plain
# attribute sets the tests build.
{ config, options ? { }, name ? null, knowledge ? { nixos = [ ]; homeManager = [ ]; homeManagerSet = [ ]; } }:
let
  b = builtins;

  # Walks `path` through nested sets: { state = "ok" | "absent" | "error"; value; }.
  walk = root: path:
    b.foldl'
      (acc: k:
        if acc.state != "ok" then acc
        else
          let r = b.tryEval (b.isAttrs acc.value && b.hasAttr k acc.value); in
          if !r.success then { state = "error"; value = null; }
          else if r.value then { state = "ok"; value = b.getAttr k acc.value; }
          else { state = "absent"; value = null; })
      { state = "ok"; value = root; }
      path;

  # Reads a leaf of the configuration, fully evaluated.
  read = path:
    let
      w = walk config path;
      forced = b.tryEval (b.deepSeq w.value w.value);
    in
    if w.state != "ok" then w
    else if forced.success then { state = "ok"; value = forced.value; }
    else { state = "error"; value = null; };

  # Attribute names of a set in the configuration; null when they cannot be read.
  namesAt = path:
    let
      w = walk config path;
      r = b.tryEval (b.attrNames w.value);
    in
    if w.state == "absent" then [ ]
    else if w.state == "ok" && r.success then r.value
    else null;

  # Files whose definitions of the option at `optPath` contain `keys` (all its files if none do).
  filesOf = optPath: keys:
    let
      w = walk options optPath;
      defs = b.tryEval (b.filter (d: b.isAttrs d && d ? file) (w.value.definitionsWithLocations or [ ]));
      defsOk = if w.state == "ok" && defs.success then defs.value else [ ];
      containing = b.filter (d: (b.tryEval ((walk d.value keys).state == "ok")).value or false) defsOk;
      chosen = if containing != [ ] then containing else defsOk;
      files = b.tryEval (map (d: toString d.file) chosen);
    in
    if files.success then files.value else [ ];

  # A location: the first defining file; the line is found later.
  at = files: if files == [ ] then { } else { at = { file = b.head files; start = 0; end = 0; }; };

  fact = check: r: files: if r.state == "ok" && check r.value then { value = r.value; } // at files else { };
  isStr = v: b.isString v;
  strFact = path: files: fact isStr (read path) files;
  boolFact = path: files: fact b.isBool (read path) files;
  # A boolean with the NixOS default when the option does not exist at all.
  boolOr = default: path: files:
    let r = read path; in
    if r.state == "absent" then { value = default; } else fact b.isBool r files;
  known = value: { inherit value; };

  # Is an option set to something (a password, a key list)? Booleans only: no secret leaves.
  isSet = path: files:
    let r = read path; in
    if r.state == "absent" then known false
    else if r.state != "ok" then { }
    else { value = !(r.value == null || r.value == "" || r.value == [ ]); } // at files;

  strList = path:
    let r = read path; in
    if r.state == "absent" then { complete = true; items = [ ]; }
    else if r.state == "ok" && b.isList r.value then {
      complete = b.all isStr r.value;
      items = map (v: { value = v; }) (b.filter isStr r.value);
    }
    else { complete = false; items = [ ]; };

  # Where each secret of a sops-nix or agenix `secrets` set is installed.
  secretPaths = path:
    let r = read path; in
    if r.state == "absent" then { complete = true; items = [ ]; }
    else if r.state == "ok" && b.isAttrs r.value then
      let ps = map (s: b.tryEval (s.path or null)) (b.attrValues r.value); in {
        complete = b.all (p: p.success && isStr p.value) ps;
        items = map (p: { value = p.value; }) (b.filter (p: p.success && isStr p.value) ps);
      }
    else { complete = false; items = [ ]; };

  hasOption = path: (walk options path).state == "ok";
  optionPath = s: b.filter b.isString (b.split "\\." s);

  # ---- file systems ----------------------------------------------------------------------------
  fsNames = namesAt [ "fileSystems" ];
  fileSystem = mp:
    let
      p = [ "fileSystems" mp ];
      files = filesOf [ "fileSystems" ] [ mp ];
      opts = strList (p ++ [ "options" ]);
    in
    {
      mount_point = mp;
      fs_type = strFact (p ++ [ "fsType" ]) files;
      device = strFact (p ++ [ "device" ]) files;
      options = if opts.complete then { value = map (o: o.value) opts.items; } else { };
      needed_for_boot = boolOr false (p ++ [ "neededForBoot" ]) files;
    } // at files;

  # ---- users -----------------------------------------------------------------------------------
  userNames = namesAt [ "users" "users" ];
  user = n:
    let
      p = [ "users" "users" n ];
      files = filesOf [ "users" "users" ] [ n ];
      pwFile = read (p ++ [ "hashedPasswordFile" ]);
      keys = isSet (p ++ [ "openssh" "authorizedKeys" "keys" ]) files;
      keyFiles = isSet (p ++ [ "openssh" "authorizedKeys" "keyFiles" ]) files;
    in
    {
      name = n;
      is_normal_user = boolOr false (p ++ [ "isNormalUser" ]) files;
      home = strFact (p ++ [ "home" ]) files;
      hashed_password = isSet (p ++ [ "hashedPassword" ]) files;
      password = isSet (p ++ [ "password" ]) files;
      initial_password = isSet (p ++ [ "initialPassword" ]) files;
      initial_hashed_password = isSet (p ++ [ "initialHashedPassword" ]) files;
      authorized_keys =
        if (keys.value or null) == true || (keyFiles.value or null) == true then known true
        else if keys ? value && keyFiles ? value then known false
        else { };
    }
    // at files
    // (if pwFile.state == "ok" && pwFile.value == null || pwFile.state == "absent" then { }
        else { hashed_password_file = fact isStr pwFile files; });

  homeOf = u:
    let r = read [ "users" "users" u "home" ]; in
    if r.state == "ok" && b.isString r.value then r.value else "/home/${u}";

  # ---- persistence -----------------------------------------------------------------------------
  join = home: rel: if b.substring 0 1 rel == "/" then rel else "${home}/${rel}";

  # Entries of a directories/files list. Items are strings or sets ({ directory/file = ...; }).
  entriesOf = path: kind: key: home: user: files: extra:
    let
      r = read path;
      items = if r.state == "ok" && b.isList r.value then r.value else [ ];
      pathOf = i: if b.isString i then i else i.${key} or null;
      entry = i:
        let raw = pathOf i; in
        {
          inherit kind user;
          path = if b.isString raw then { value = join home raw; } // at files else { };
        }
        // (if b.isAttrs i && b.isString (i.mode or null) then { mode = known i.mode; } else { })
        // (if b.isAttrs i && b.isString (i.how or i.method or null) then { how = i.how or i.method; } else { })
        // extra i;
    in
    {
      complete = r.state == "absent" || (r.state == "ok" && b.isList r.value && b.all (i: b.isString (pathOf i)) items);
      items = map entry items;
    };

  persistRoots = module: optPath: enableFor: initrdOf:
    let names = namesAt optPath; in
    {
      complete = names != null;
      items = map
        (root:
          let
            p = optPath ++ [ root ];
            files = filesOf optPath [ root ];
            storage = read (p ++ [ "persistentStoragePath" ]);
            extra = i: if initrdOf != null then { in_initrd = known (b.isAttrs i && (i.inInitrd or false) == true); } else { };
            top = [
              (entriesOf (p ++ [ "directories" ]) "dir" "directory" "" null files extra)
              (entriesOf (p ++ [ "files" ]) "file" "file" "" null files extra)
            ];
            topPaths = b.concatMap (c: map (e: e.path.value or null) c.items) top;
            userNames' = namesAt (p ++ [ "users" ]);
            forUser = u:
              let home = let h = read (p ++ [ "users" u "home" ]); in if h.state == "ok" && b.isString h.value then h.value else homeOf u; in
              [
                (entriesOf (p ++ [ "users" u "directories" ]) "dir" "directory" home u files extra)
                (entriesOf (p ++ [ "users" u "files" ]) "file" "file" home u files extra)
              ];
            # The module may already list user entries in the root lists: keep one of each.
            userChunks = map (c: c // { items = b.filter (e: !(b.elem (e.path.value or null) topPaths)) c.items; })
              (b.concatMap forUser (if userNames' == null then [ ] else userNames'));
            chunks = top ++ userChunks;
          in
          {
            inherit module;
            storage = if storage.state == "ok" && b.isString storage.value then { value = storage.value; } // at files else { value = root; } // at files;
            enable = enableFor p;
            entries = {
              complete = b.all (c: c.complete) chunks && userNames' != null;
              items = b.concatMap (c: c.items) chunks;
            };
          } // at files)
        (if names == null then [ ] else names);
    };

  impermanence = persistRoots "impermanence" [ "environment" "persistence" ]
    (p: boolOr true (p ++ [ "enable" ]) [ ]) null;
  preservationOn = boolOr false [ "preservation" "enable" ] (filesOf [ "preservation" "enable" ] [ ]);
  preservation = persistRoots "preservation" [ "preservation" "preserveAt" ] (p: preservationOn) true;

  # ---- home-manager ----------------------------------------------------------------------------
  hmNames = namesAt [ "home-manager" "users" ];
  hmUser = u:
    let
      p = [ "home-manager" "users" u ];
      fileNames = namesAt (p ++ [ "home" "file" ]);
      target = f:
        let t = read (p ++ [ "home" "file" f "target" ]); in
        if t.state == "ok" && b.isString t.value then t.value else f;
      enabledFile = f: (read (p ++ [ "home" "file" f "enable" ])).value or true != false;
      homeDir = let h = read (p ++ [ "home" "homeDirectory" ]); in if h.state == "ok" && b.isString h.value then h.value else homeOf u;
    in
    {
      name = u;
      home = known homeDir;
      files = {
        complete = fileNames != null;
        items = map (f: { target = target f; origin = "home.file.\"${f}\""; recursive = (read (p ++ [ "home" "file" f "recursive" ])).value or false == true; })
          (b.filter enabledFile (if fileNames == null then [ ] else fileNames));
      };
      enabled = b.listToAttrs (map
        (o: { name = o.option; value = boolOr o.default (p ++ optionPath o.option) [ ]; })
        knowledge.homeManager)
      # Options that move a module's files (zsh's dotDir): whether they are set.
      // b.listToAttrs (map
        (o: { name = o; value = isSet (p ++ optionPath o) [ ]; })
        (knowledge.homeManagerSet or [ ]));
    };

  # impermanence's older home-manager module: home.persistence.<storage> per user.
  hmPersistence = u:
    let
      p = [ "home-manager" "users" u "home" "persistence" ];
      names = namesAt p;
      home = (hmUser u).home.value;
    in
    map
      (root:
        let
          rp = p ++ [ root ];
          allowOther = read (rp ++ [ "allowOther" ]);
          legacy = b.filter (o: (read (rp ++ [ o ])).state == "ok" && (read (rp ++ [ o ])).value != null) [ "allowOther" "removePrefixDirectory" ];
          dirs = entriesOf (rp ++ [ "directories" ]) "dir" "directory" home u [ ] (i: { });
          fls = entriesOf (rp ++ [ "files" ]) "file" "file" home u [ ] (i: { });
        in
        {
          module = "home-manager";
          storage = known root;
          user = u;
          entries = { complete = dirs.complete && fls.complete; items = dirs.items ++ fls.items; };
          legacy_options = map (o: { name = "home.persistence.\"${root}\".${o}"; }) legacy;
          allow_other = if allowOther.state == "ok" && b.isBool allowOther.value then known allowOther.value else known false;
        })
      (if names == null then [ ] else names);

  # ---- boot ------------------------------------------------------------------------------------
  hooks = [ "preDeviceCommands" "preLVMCommands" "postDeviceCommands" "postResumeCommands" "postMountCommands" ];
  scripted = b.filter (c: c != null) (map
    (h:
      let r = read [ "boot" "initrd" h ]; in
      if r.state == "absent" || (r.state == "ok" && (r.value == "" || r.value == null)) then null
      else { option = "boot.initrd.${h}"; text = fact isStr r (filesOf [ "boot" "initrd" h ] [ ]); })
    hooks);
  initrdServiceNames = namesAt [ "boot" "initrd" "systemd" "services" ];
  initrdServices = b.filter (s: s != null) (map
    (n:
      let
        empty = r: r.state == "absent" || (r.state == "ok" && (r.value == "" || r.value == null || r.value == [ ]));
        # What the unit runs: its script, or the command lines of ExecStart.
        script = read [ "boot" "initrd" "systemd" "services" n "script" ];
        exec = read [ "boot" "initrd" "systemd" "services" n "serviceConfig" "ExecStart" ];
        lines = if exec.state == "ok" && b.isList exec.value && b.all b.isString exec.value
          then exec // { value = b.concatStringsSep "\n" exec.value; } else exec;
        r = if empty script then lines else script;
      in
      if empty r then null
      else { name = n; script = fact isStr r (filesOf [ "boot" "initrd" "systemd" "services" ] [ n ]); })
    (if initrdServiceNames == null then [ ] else initrdServiceNames));

  # ---- ssh and secrets -------------------------------------------------------------------------
  hostKeysRead = read [ "services" "openssh" "hostKeys" ];
  hostKeys =
    if hostKeysRead.state == "ok" && b.isList hostKeysRead.value then {
      complete = b.all (k: b.isString (k.path or null)) hostKeysRead.value;
      items = map (k: { path = if b.isString (k.path or null) then { value = k.path; } else { }; key_type = if b.isString (k.type or null) then k.type else null; }) hostKeysRead.value;
    }
    else { complete = false; items = [ ]; };

  optStr = path: files:
    let r = read path; in
    if r.state == "ok" && b.isString r.value then { value = r.value; } // at files
    else if r.state == "ok" && r.value == null || r.state == "absent" then null
    else { };

  sops = if !(hasOption [ "sops" ]) then null else {
    age_key_file = optStr [ "sops" "age" "keyFile" ] (filesOf [ "sops" "age" "keyFile" ] [ ]);
    age_ssh_key_paths = strList [ "sops" "age" "sshKeyPaths" ];
    gnupg_home = optStr [ "sops" "gnupg" "home" ] (filesOf [ "sops" "gnupg" "home" ] [ ]);
    gnupg_ssh_key_paths = strList [ "sops" "gnupg" "sshKeyPaths" ];
    use_systemd_activation = boolOr false [ "sops" "useSystemdActivation" ] [ ];
    secret_paths = secretPaths [ "sops" "secrets" ];
  };
  agenix = if !(hasOption [ "age" "identityPaths" ]) then null else {
    identity_paths = strList [ "age" "identityPaths" ];
    secret_paths = secretPaths [ "age" "secrets" ];
  };

  # ---- systemd services with DynamicUser or StateDirectory --------------------------------------
  serviceNames = namesAt [ "systemd" "services" ];
  service = n:
    let
      sc = [ "systemd" "services" n "serviceConfig" ];
      dyn = read (sc ++ [ "DynamicUser" ]);
      state = read (sc ++ [ "StateDirectory" ]);
      dirs =
        if state.state != "ok" then [ ]
        else if b.isString state.value then b.filter (s: b.isString s && s != "") (b.split " " state.value)
        else if b.isList state.value then b.filter b.isString state.value
        else [ ];
    in
    if (dyn.state != "ok" || dyn.value != true) && dirs == [ ] then null
    else { name = n; dynamic_user = if dyn.state == "ok" && b.isBool dyn.value then known dyn.value else known false; state_directories = dirs; };

  # ---- /etc ------------------------------------------------------------------------------------
  etcNames = namesAt [ "environment" "etc" ];
  etcFile = n:
    let
      p = [ "environment" "etc" n ];
      t = read (p ++ [ "target" ]);
      # Only machine-id's source matters (IMP203); other sources are store paths anyway.
      src = read (p ++ [ "source" ]);
      srcStr = b.tryEval (toString src.value);
    in
    {
      target = if t.state == "ok" && b.isString t.value then t.value else n;
      enable = boolOr true (p ++ [ "enable" ]) [ ];
    }
    // at (filesOf [ "environment" "etc" ] [ n ])
    // (if n == "machine-id" && src.state == "ok" && srcStr.success then { source_path = known srcStr.value; } else { });

  modules = b.filter (m: m != null) [
    (if hasOption [ "environment" "persistence" ] then "impermanence" else null)
    (if hasOption [ "preservation" ] then "preservation" else null)
    (if hasOption [ "home-manager" ] then "home-manager" else null)
    (if hasOption [ "sops" ] then "sops-nix" else null)
    (if hasOption [ "age" "identityPaths" ] then "agenix" else null)
  ];
in
{
  inherit name modules sops agenix;
  complete = true;
  file_systems = { complete = fsNames != null; items = map fileSystem (if fsNames == null then [ ] else fsNames); };
  persistence =
    let hm = b.concatMap hmPersistence (if hmNames == null then [ ] else hmNames); in
    {
      complete = impermanence.complete && preservation.complete;
      items = impermanence.items ++ preservation.items ++ hm;
    };
  etc = { complete = etcNames != null; items = map etcFile (if etcNames == null then [ ] else etcNames); };
  enabled = b.listToAttrs (map
    (o: { name = o.option; value = boolOr o.default (optionPath o.option) (filesOf (optionPath o.option) [ ]); })
    knowledge.nixos);
  users = {
    mutable_users = boolOr true [ "users" "mutableUsers" ] (filesOf [ "users" "mutableUsers" ] [ ]);
    users = { complete = userNames != null; items = map user (if userNames == null then [ ] else userNames); };
  };
  home_manager = { complete = hmNames != null; items = map hmUser (if hmNames == null then [ ] else hmNames); };
  boot = {
    initrd_systemd = boolFact [ "boot" "initrd" "systemd" "enable" ] (filesOf [ "boot" "initrd" "systemd" "enable" ] [ ]);
    scripted_commands = scripted;
    initrd_services = initrdServices;
    tmp_clean_on_boot =
      let r = read [ "boot" "tmp" "cleanOnBoot" ]; in
      if r.state == "absent" then boolOr false [ "boot" "cleanTmpDir" ] [ ] else fact b.isBool r [ ];
    etc_overlay_upper =
      let
        e = boolOr false [ "system" "etc" "overlay" "enable" ] [ ];
        m = boolOr true [ "system" "etc" "overlay" "mutable" ] [ ];
      in
      if (e.value or null) == false || (m.value or null) == false then known false
      else if e ? value && m ? value then known true
      else { };
  };
  openssh = {
    enable = boolOr false [ "services" "openssh" "enable" ] (filesOf [ "services" "openssh" "enable" ] [ ]);
    host_keys = hostKeys;
  };
  services =
    let items = b.filter (s: s != null) (map service (if serviceNames == null then [ ] else serviceNames)); in
    { complete = serviceNames != null; inherit items; };
  programs_fuse_user_allow_other = boolOr false [ "programs" "fuse" "userAllowOther" ] [ ];
}
