// drizzle-kit reads only the tables; views and triggers are custom migrations (drizzle/).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './store/schema.ts',
  out: './drizzle',
});
