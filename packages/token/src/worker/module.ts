import { existsSync, realpathSync } from 'node:fs';
import pkcs11js from 'pkcs11js';
import type { ModuleCandidate } from '../discovery.js';
import type { LibraryInfo, ModuleReport } from '../types.js';
import { ckrName } from './ckr.js';
import { padded } from './token-info.js';

/** One loaded PKCS#11 library and its initialisation state. */
export class LoadedModule {
  readonly name: string;
  readonly path: string;
  readonly source: ModuleReport['source'];
  readonly api: pkcs11js.PKCS11;
  library: LibraryInfo;
  /** False when someone else in this process had already initialised the library: then we never finalise it. */
  private ownsInitialization = false;
  private initialized = false;
  /** Sessions this layer holds open; re-initialising would invalidate them. */
  openSessions = 0;

  private constructor(candidate: ModuleCandidate, api: pkcs11js.PKCS11, library: LibraryInfo) {
    this.name = candidate.name;
    this.path = candidate.path;
    this.source = candidate.source;
    this.api = api;
    this.library = library;
  }

  /**
   * SoftHSM2 reads its token directory only in C_Initialize, so a token added later shows up only after
   * C_Finalize + C_Initialize. Card-reader modules (PC/SC based) see insertions by themselves, and
   * openCryptoki's slots are fixed by its configuration.
   */
  get slotListIsStatic(): boolean {
    return /softhsm/i.test(`${this.library.manufacturer} ${this.name}`);
  }

  get canReinitialize(): boolean {
    return this.ownsInitialization && this.openSessions === 0;
  }

  static load(
    candidate: ModuleCandidate,
    alreadyLoaded: Map<string, LoadedModule>,
  ): { module?: LoadedModule; report: ModuleReport } {
    const report: ModuleReport = {
      name: candidate.name,
      path: candidate.path,
      source: candidate.source,
      loaded: false,
    };
    if (!existsSync(candidate.path)) return { report: { ...report, error: 'file not found' } };
    const real = realpathSync(candidate.path);
    const twin = alreadyLoaded.get(real);
    if (twin)
      return { report: { ...report, error: `same library as ${twin.path}, already loaded` } };

    const api = new pkcs11js.PKCS11();
    try {
      api.load(candidate.path);
    } catch (error) {
      return {
        report: { ...report, error: `not a loadable PKCS#11 library (${firstLine(error)})` },
      };
    }
    const module = new LoadedModule(candidate, api, {
      manufacturer: '',
      description: '',
      version: '',
      cryptokiVersion: '',
    });
    try {
      module.initialize();
      module.library = readLibraryInfo(api);
    } catch (error) {
      module.finalize();
      return {
        report: { ...report, error: `C_Initialize failed: ${ckrName(error) ?? firstLine(error)}` },
      };
    }
    alreadyLoaded.set(real, module);
    return { module, report: { ...report, loaded: true, library: module.library } };
  }

  /** OS locking first (we call from one worker thread, but the library may serve others); then plain. */
  initialize(): void {
    for (const options of [{ flags: pkcs11js.CKF_OS_LOCKING_OK }, undefined]) {
      try {
        this.api.C_Initialize(options);
        this.ownsInitialization = true;
        this.initialized = true;
        return;
      } catch (error) {
        const ckr = ckrName(error);
        if (ckr === 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
          this.initialized = true;
          return;
        }
        if (
          ckr !== 'CKR_CANT_LOCK' &&
          ckr !== 'CKR_ARGUMENTS_BAD' &&
          ckr !== 'CKR_NEED_TO_CREATE_THREADS'
        )
          throw error;
      }
    }
    throw new Error('C_Initialize refused both with and without OS locking');
  }

  /** C_Finalize + C_Initialize so the module re-reads its slots; only when it is ours and idle. */
  reinitialize(): boolean {
    if (!this.canReinitialize) return false;
    this.api.C_Finalize();
    this.initialized = false;
    this.initialize();
    return true;
  }

  /** C_Finalize only: the library stays mapped (see library-pins.ts), unloading it is what crashes processes. */
  finalize(): void {
    if (this.initialized && this.ownsInitialization) {
      try {
        this.api.C_Finalize();
      } catch {
        // Finalising is best effort at shutdown: the library may already be gone.
      }
    }
    this.initialized = false;
    this.openSessions = 0;
  }
}

function readLibraryInfo(api: pkcs11js.PKCS11): LibraryInfo {
  const info = api.C_GetInfo();
  return {
    manufacturer: padded(info.manufacturerID),
    description: padded(info.libraryDescription),
    version: `${info.libraryVersion.major}.${info.libraryVersion.minor}`,
    cryptokiVersion: `${info.cryptokiVersion.major}.${info.cryptokiVersion.minor}`,
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? 'unknown error';
}
