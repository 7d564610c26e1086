// Reads auth.users, the table Supabase Auth owns, and shapes rows the way GoTrue serialises its User model.
import postgres from "postgres";
import bcrypt from "bcryptjs";

export type UserRow = {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown> | null;
  raw_user_meta_data: Record<string, unknown> | null;
  created_at: Date | null;
  updated_at: Date | null;
  is_anonymous: boolean;
};

export type UserStore = {
  findByEmail(email: string): Promise<UserRow | undefined>;
  findById(id: string): Promise<UserRow | undefined>;
  passwordMatches(user: UserRow, password: string): Promise<boolean>;
  recordSignIn(id: string): Promise<UserRow>;
  close(): Promise<void>;
};

const COLUMNS = [
  "id",
  "aud",
  "role",
  "email",
  "encrypted_password",
  "email_confirmed_at",
  "last_sign_in_at",
  "raw_app_meta_data",
  "raw_user_meta_data",
  "created_at",
  "updated_at",
  "is_anonymous",
];

export function createUserStore(databaseUrl: string): UserStore {
  const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
  const cols = sql(COLUMNS);
  return {
    async findByEmail(email) {
      // GoTrue matches lower(email) within the request's audience, which defaults to "authenticated".
      const rows = await sql<
        UserRow[]
      >`select ${cols} from auth.users where lower(email) = lower(${email}) and aud = 'authenticated'`;
      return rows[0];
    },
    async findById(id) {
      const rows = await sql<UserRow[]>`select ${cols} from auth.users where id = ${id}`;
      return rows[0];
    },
    async passwordMatches(user, password) {
      if (!user.encrypted_password) return false;
      return bcrypt.compare(password, user.encrypted_password);
    },
    async recordSignIn(id) {
      const rows = await sql<
        UserRow[]
      >`update auth.users set last_sign_in_at = now() where id = ${id} returning ${cols}`;
      const row = rows[0];
      if (!row) throw new Error(`user ${id} vanished while signing in`);
      return row;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

// Go's zero time, which GoTrue prints for a NULL non-pointer timestamp.
const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

/** The JSON GoTrue returns for a user (models.User): NULL optional timestamps are omitted. */
export function toGoTrueUser(user: UserRow) {
  return {
    id: user.id,
    aud: user.aud ?? "",
    role: user.role ?? "",
    email: user.email ?? "",
    email_confirmed_at: user.email_confirmed_at?.toISOString(),
    phone: "",
    // A generated column in Supabase: least(email_confirmed_at, phone_confirmed_at); no phones here.
    confirmed_at: user.email_confirmed_at?.toISOString(),
    last_sign_in_at: user.last_sign_in_at?.toISOString(),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: [],
    created_at: user.created_at?.toISOString() ?? GO_ZERO_TIME,
    updated_at: user.updated_at?.toISOString() ?? GO_ZERO_TIME,
    is_anonymous: user.is_anonymous,
  };
}
